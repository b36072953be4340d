using Automation.Core.Events;

namespace Automation.Core.Rules;

/// <summary>
/// Sees every change event the rule engine handles, queued or inline (nested changes made by actions), before any rule
/// is considered. The same event may be seen more than once (redelivery, inline then queued), so an observer must be
/// idempotent. Throwing fails the handling like a storage error: the event is retried.
/// </summary>
public interface IChangeObserver
{
    Task ObserveAsync(ChangeEvent change, CancellationToken cancellationToken);
}
