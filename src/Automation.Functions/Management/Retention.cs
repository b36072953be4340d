using Automation.Functions.Hosting;
using Automation.Storage.Management;
using Automation.Storage.Records;
using Automation.Storage.Tables;

namespace Automation.Functions.Management;

/// <summary>
/// Timer function: deletes run records (and the payloads kept to replay failed calls) older than
/// <see cref="RetentionOptions.Period"/>, and recorded queue failures as old. Runs are keyed newest first per rule, so the
/// old ones are a key range at the end of each rule's partition: range queries and 100-row transactions, at most
/// <see cref="RetentionOptions.MaxDeletesPerRun"/> rows per run. ("Log Calls" lines have their own retention, swept the
/// same way by <c>WebhookMaintenance</c>; the outbox of deliveries comes with issue #8.)
/// </summary>
public sealed class Retention(TableServiceClient tables, QueueFailureLog failures, RetentionOptions options, TimeProvider time, ILogger<Retention> logger)
    : ITimerFunction
{
    public string Name => "Retention";

    public async Task RunAsync(TimerTrigger trigger, CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - options.Period).UtcDateTime;
        var budget = options.MaxDeletesPerRun;
        var runs = await RangeDeletes.DeleteOlderAsync(tables.GetTableClient(TableRunLog.TableName), long.MaxValue, cutoff, budget, cancellationToken);
        budget -= runs.Deleted;
        var payloads = budget > 0
            ? await RangeDeletes.DeleteOlderAsync(tables.GetTableClient(RunPayloads.TableName), long.MaxValue, cutoff, budget, cancellationToken)
            : new RangeDeletes.Result(0, true);
        budget -= payloads.Deleted;
        var failed = budget > 0 ? await failures.SweepAsync(cutoff, budget, cancellationToken) : 0;
        if (runs.Deleted + payloads.Deleted + failed > 0)
        {
            logger.LogInformation("Retention removed {Runs} runs, {Payloads} kept payloads and {Failures} queue failure records older than {Cutoff:o}{More}",
                runs.Deleted, payloads.Deleted, failed, cutoff, runs.Exhausted || payloads.Exhausted ? "; more are left for the next run" : "");
        }
    }
}
