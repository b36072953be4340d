using System.Text.Json.Nodes;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Core.Time;
using Automation.Functions.Api;

namespace Automation.Functions.Time;

/// <summary>
/// What saving or deleting a rule does to time rules (spec §1.5): a time rule that becomes active starts its windows at
/// that moment (shown as its <c>last_run</c> in the response), the index of its date field is built if no other rule keeps
/// it current, and the check's schedule follows.
/// </summary>
public sealed class TimeRuleHook(TimeRuleScheduler scheduler) : IRuleChangeHook
{
    public async Task SavedAsync(AutomationRule? previous, AutomationRule saved, JsonObject response, HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (await scheduler.SavedAsync(previous, saved, cancellationToken) is { LastRun: { } lastRun })
        {
            response["last_run"] = RecordJson.FormatDateTime(lastRun);
        }
    }

    public Task DeletedAsync(long ruleId, CancellationToken cancellationToken) => scheduler.DeletedAsync(ruleId, cancellationToken);
}
