using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Automation.Storage.Tables;

namespace Automation.Storage.Webhooks;

/// <summary>
/// <c>webhook-id</c> de-duplication (API.md: the same id within 24 hours is answered with the first call's id and not
/// queued again). One entity per (rule, id hash) in the <c>webhooks</c> table, inserted before the call is queued; an
/// entry older than the window is taken over; <see cref="SweepAsync"/> removes expired ones.
/// </summary>
public sealed class WebhookDeduplication(TableClient table, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private const string PartitionPrefix = "dedup-";

    /// <summary>Null when <paramref name="callId"/> is the first call with this id (now recorded); else the first call's id.</summary>
    public async Task<string?> ClaimAsync(long ruleId, string webhookId, string callId, CancellationToken cancellationToken)
    {
        var partition = Partition(ruleId);
        var row = Row(webhookId);
        var entity = new TableEntity(partition, row) { ["CallId"] = callId, ["At"] = time.GetUtcNow() };
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await table.AddEntityAsync(entity, cancellationToken);
                return null;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 409)
            {
                // Seen before: within the window it is a duplicate; after it, a new call.
            }

            if (await table.GetEntityIfExistsAsync(partition, row, cancellationToken) is not { } existing)
            {
                continue; // expired and swept just now
            }

            if (existing.GetDateTimeOffset("At") is { } at && time.GetUtcNow() - at < Window)
            {
                return existing.GetString("CallId");
            }

            try
            {
                await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return null;
            }
            catch (Azure.RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Someone else took it over first: look again.
            }
        }

        throw new InvalidOperationException($"Could not record webhook-id '{webhookId}' for rule {ruleId}.");
    }

    /// <summary>Forgets a claim whose call could not be queued, so the sender's retry is not mistaken for a duplicate.</summary>
    public Task ReleaseAsync(long ruleId, string webhookId, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(Partition(ruleId), Row(webhookId), cancellationToken: cancellationToken);

    /// <summary>Deletes entries older than the window. Returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - Window).UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        var count = 0;
        await foreach (var entity in table.QueryAsync(
                           $"PartitionKey ge '{PartitionPrefix}' and PartitionKey lt 'dedup.' and At lt datetime'{cutoff}'", select: ["At"],
                           cancellationToken: cancellationToken))
        {
            try
            {
                count += await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken) ? 1 : 0;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 412)
            {
                // Claimed again since the query: no longer expired.
            }
        }

        return count;
    }

    private static string Partition(long ruleId) => PartitionPrefix + ruleId.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>Senders choose the id: hashed, it is always a valid key.</summary>
    private static string Row(string webhookId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(webhookId)));
}
