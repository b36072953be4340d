namespace Automation.Core.Rules;

/// <summary>Where rules live. <see cref="ActiveForModelAsync"/> is on every event's path and is served from a cache.</summary>
public interface IRuleStore
{
    Task<AutomationRule?> GetAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<AutomationRule>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Active rules of <paramref name="model"/> in id order, as of the latest change on any instance.</summary>
    Task<IReadOnlyList<AutomationRule>> ActiveForModelAsync(string model, CancellationToken cancellationToken);

    /// <summary>
    /// Active rules of <paramref name="model"/> as of a look at the latest version recent enough for an event committed at
    /// <paramref name="seenAfter"/>: every rule change that completed (answered) before then is in them.
    /// </summary>
    Task<IReadOnlyList<AutomationRule>> ActiveForModelAsync(string model, DateTimeOffset seenAfter, CancellationToken cancellationToken);

    /// <summary>
    /// Creates (id 0: a new id is assigned) or replaces a rule; returns it as stored, once the next event on every
    /// instance sees it (<see cref="ChangesVisibleAsync"/>).
    /// </summary>
    Task<AutomationRule> SaveAsync(AutomationRule rule, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SaveAsync"/>, but returns as soon as the rule is stored: for a series of saves (an import), which
    /// awaits <see cref="ChangesVisibleAsync"/> once before it answers.
    /// </summary>
    Task<AutomationRule> StoreAsync(AutomationRule rule, CancellationToken cancellationToken);

    /// <summary>Deletes a rule; returns once the next event on every instance misses it.</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);

    /// <summary>Returns once every rule change made through this instance is seen by the next event on every instance.</summary>
    Task ChangesVisibleAsync(CancellationToken cancellationToken);
}
