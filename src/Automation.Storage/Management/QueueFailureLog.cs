using System.Security.Cryptography;
using System.Text;
using Automation.Storage.Tables;

namespace Automation.Storage.Management;

/// <summary>Why a queue message failed, as last recorded.</summary>
public sealed record QueueFailure(string Queue, string MessageId, long DequeueCount, string Error, DateTime At);

/// <summary>
/// The last error of each failing queue message, so a dead letter can be shown with the reason it died. Table
/// <c>queuefailures</c>: partition = queue, RowKey = SHA-256 of the message text: the Functions host moves a message to
/// <c>&lt;queue&gt;-poison</c> as a new message with a new id but the same text, so the text is what ties the two.
/// </summary>
public sealed class QueueFailureLog(TableClient table)
{
    public const string TableName = "queuefailures";

    /// <summary>How much of an error is kept (a stack of nested exceptions can be long).</summary>
    public const int MaxErrorChars = 8_000;

    public Task RecordAsync(string queue, string messageText, string messageId, long dequeueCount, string error, DateTime at,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return table.UpsertEntityAsync(new TableEntity(queue, Hash(messageText))
        {
            ["MessageId"] = messageId,
            ["DequeueCount"] = dequeueCount,
            ["Error"] = error.Length > MaxErrorChars ? error[..MaxErrorChars] + "…" : error,
            ["At"] = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<QueueFailure?> FindAsync(string queue, string messageText, CancellationToken cancellationToken) =>
        await table.GetEntityIfExistsAsync(queue, Hash(messageText), cancellationToken) is { } entity
            ? new QueueFailure(queue, entity.GetString("MessageId") ?? "", entity.GetInt64("DequeueCount") ?? 0, entity.GetString("Error") ?? "",
                entity.GetDateTimeOffset("At")?.UtcDateTime ?? default)
            : null;

    public Task ForgetAsync(string queue, string messageText, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(queue, Hash(messageText), cancellationToken: cancellationToken);

    /// <summary>Removes records older than <paramref name="before"/>, at most <paramref name="max"/>. The table is small: failures are rare.</summary>
    public async Task<int> SweepAsync(DateTime before, int max, CancellationToken cancellationToken)
    {
        var cutoff = DateTime.SpecifyKind(before, DateTimeKind.Utc).ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        var count = 0;
        await foreach (var entity in table.QueryAsync($"At lt datetime'{cutoff}'", select: ["At"], cancellationToken: cancellationToken))
        {
            count += await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken) ? 1 : 0;
            if (count >= max)
            {
                break;
            }
        }

        return count;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
