using Automation.Core.Time;
using Automation.Functions.Hosting;

namespace Automation.Functions.Time;

/// <summary>
/// Timer function: ticks on <c>%TimeRulesSchedule%</c> (every minute by default) and runs "Automation Rules: check and
/// execute" when it is due (spec §3.1: active while an active time rule exists, every interval). A check that fails a
/// rule is recorded as failed (<c>GET /api/admin/scheduler</c>) and logged; the tick itself succeeds.
/// </summary>
public sealed class TimeRules(TimeRuleJob job, ILogger<TimeRules> logger) : ITimerFunction
{
    public string Name => "TimeRules";

    public async Task RunAsync(TimerTrigger trigger, CancellationToken cancellationToken)
    {
        var result = await job.RunAsync(manual: false, cancellationToken); // failing rules are logged by the check
        if (result.Status == CheckResult.Incomplete)
        {
            logger.LogInformation("The time rules' check stopped at its time budget; the next tick resumes it");
        }
    }
}
