using Automation.Core.Models;
using Automation.Functions.Hosting;
using Automation.Storage.Records;

namespace Automation.Functions.Records;

/// <summary>
/// Timer function: re-enqueues change events whose writer crashed between commit and enqueue (ARCHITECTURE §3),
/// so every committed change reaches the rule engine.
/// </summary>
public sealed class Sweeper(PendingEvents events, IModelRegistry models, IConfiguration configuration, ILogger<Sweeper> logger) : ITimerFunction
{
    public const string PendingAgeSetting = "Automation:PendingEventAge";

    public string Name => "Sweeper";

    public async Task RunAsync(TimerTrigger trigger, CancellationToken cancellationToken)
    {
        var age = configuration.GetValue(PendingAgeSetting, TimeSpan.FromMinutes(1));
        var names = (await models.ListAsync(cancellationToken)).Select(m => m.Name);
        var resent = await events.SweepAsync(names, age, cancellationToken);
        if (resent > 0)
        {
            logger.LogWarning("Re-enqueued {Count} change events left pending for over {Age}", resent, age);
        }
    }
}
