using System.Globalization;
using Automation.Core.Webhooks;
using Automation.Storage.Tables;

namespace Automation.Storage.Webhooks;

/// <summary>
/// "Log Calls" lines in the <c>webhooklogs</c> table: partition = rule id, RowKey = inverted receive time, call id and
/// line number, so a rule's newest lines come first and a call's lines keep their order (ERROR after INFO).
/// Lines older than the retention are removed by <see cref="SweepAsync"/>: unlike Odoo's <c>ir.logging</c>, the log
/// does not grow without limit.
/// </summary>
public sealed class TableWebhookLog(TableClient table) : IWebhookLog
{
    public const string TableName = "webhooklogs";

    /// <summary>A line longer than this is cut (a traceback of a deep recursion, a huge payload).</summary>
    public const int MaxMessageChars = 30_000;

    public Task WriteAsync(long ruleId, string callId, DateTime receivedAt, int sequence, WebhookLogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = (DateTime.MaxValue.Ticks - receivedAt.Ticks).ToString("D19", CultureInfo.InvariantCulture) + "-" + callId + "-" +
                  (9 - sequence).ToString(CultureInfo.InvariantCulture);
        return table.UpsertEntityAsync(new TableEntity(Partition(ruleId), row)
        {
            ["At"] = new DateTimeOffset(DateTime.SpecifyKind(entry.At, DateTimeKind.Utc)),
            ["Level"] = entry.Level,
            ["Message"] = entry.Message.Length > MaxMessageChars ? entry.Message[..MaxMessageChars] + "…" : entry.Message,
            ["CallId"] = entry.CallId,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookLogEntry>> ListAsync(long ruleId, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, 1000);
        var entries = new List<WebhookLogEntry>();
        await foreach (var entity in table.QueryAsync($"PartitionKey eq '{Partition(ruleId)}'", limit, cancellationToken: cancellationToken))
        {
            entries.Add(new WebhookLogEntry(entity.GetDateTimeOffset("At")?.UtcDateTime ?? default, entity.GetString("Level") ?? "INFO",
                entity.GetString("Message") ?? "", entity.GetString("CallId")));
            if (entries.Count >= limit)
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>
    /// Deletes the lines of calls received before <paramref name="before"/>, at most <paramref name="maxDeletes"/>: per rule a
    /// range at the end of its partition (keys are newest first), deleted 100 at a time. Returns how many.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken, int maxDeletes = 100_000) =>
        (await Management.RangeDeletes.DeleteOlderAsync(table, DateTime.MaxValue.Ticks, before.UtcDateTime, maxDeletes, cancellationToken)).Deleted;

    private static string Partition(long ruleId) => ruleId.ToString("D12", CultureInfo.InvariantCulture);
}
