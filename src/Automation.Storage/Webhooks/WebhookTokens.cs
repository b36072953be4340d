using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Automation.Storage.Tables;

namespace Automation.Storage.Webhooks;

/// <summary>
/// Webhook URL secrets in the <c>webhooks</c> table. A token is 256 random bits (base64url, 43 characters); only its
/// SHA-256 is stored: one entity per token hash (the ingress lookup) and one per rule (its current hash, so rotation
/// removes the old one). Every change bumps a version stamp that ingress instances compare before trusting their cache.
/// The same table holds the key that tags call ids (<see cref="Core.Webhooks.CallIds"/>) and the <c>webhook-id</c>
/// de-duplication entries (<see cref="WebhookDeduplication"/>).
/// </summary>
public sealed class WebhookTokens(TableClient table, TimeProvider time)
{
    public const string TableName = "webhooks";
    private const string TokenPartition = "token";
    private const string RulePartition = "rule";
    private const string MetaPartition = "meta";

    /// <summary>SHA-256 of a token, hex: the only form in which tokens are stored.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Gives the rule a new token, retiring its previous one at once. Returns the token (shown once, never stored).</summary>
    public async Task<string> IssueAsync(long ruleId, CancellationToken cancellationToken)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(token);
        var previous = await table.GetEntityIfExistsAsync(RulePartition, RuleRow(ruleId), cancellationToken);
        await table.AddEntityAsync(new TableEntity(TokenPartition, hash) { ["RuleId"] = ruleId, ["IssuedAt"] = time.GetUtcNow() }, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(RulePartition, RuleRow(ruleId)) { ["TokenHash"] = hash, ["IssuedAt"] = time.GetUtcNow() },
            TableUpdateMode.Replace, cancellationToken);
        if (previous?.GetString("TokenHash") is { } old)
        {
            await table.DeleteEntityAsync(TokenPartition, old, cancellationToken: cancellationToken);
        }

        await BumpAsync(cancellationToken);
        return token;
    }

    /// <summary>Removes the rule's token (the rule was deleted or is no longer a webhook rule). False when it had none.</summary>
    public async Task<bool> RevokeAsync(long ruleId, CancellationToken cancellationToken)
    {
        if (await table.GetEntityIfExistsAsync(RulePartition, RuleRow(ruleId), cancellationToken) is not { } current)
        {
            return false;
        }

        if (current.GetString("TokenHash") is { } hash)
        {
            await table.DeleteEntityAsync(TokenPartition, hash, cancellationToken: cancellationToken);
        }

        await table.DeleteEntityAsync(RulePartition, RuleRow(ruleId), cancellationToken: cancellationToken);
        await BumpAsync(cancellationToken);
        return true;
    }

    public async Task<bool> HasTokenAsync(long ruleId, CancellationToken cancellationToken) =>
        await table.GetEntityIfExistsAsync(RulePartition, RuleRow(ruleId), cancellationToken) is not null;

    /// <summary>Every current token hash and its rule.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ListAsync(CancellationToken cancellationToken)
    {
        var tokens = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync($"PartitionKey eq '{TokenPartition}'", cancellationToken: cancellationToken))
        {
            tokens[entity.RowKey] = entity.GetInt64("RuleId") ?? 0;
        }

        return tokens;
    }

    /// <summary>Changes whenever a token is issued or revoked.</summary>
    public async Task<string> StampAsync(CancellationToken cancellationToken) =>
        (await table.GetEntityIfExistsAsync(MetaPartition, "version", cancellationToken))?.GetString("Stamp") ?? "";

    /// <summary>The key that tags call ids, created by the first instance that needs it.</summary>
    public async Task<byte[]> CallIdKeyAsync(CancellationToken cancellationToken)
    {
        if (await table.GetEntityIfExistsAsync(MetaPartition, "call-id-key", cancellationToken) is { } existing)
        {
            return existing.GetBinary("Key") ?? throw new InvalidOperationException("The call-id key entity has no key.");
        }

        try
        {
            await table.AddEntityAsync(new TableEntity(MetaPartition, "call-id-key") { ["Key"] = RandomNumberGenerator.GetBytes(32) }, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409)
        {
            // Another instance created it first: use theirs.
        }

        return (await table.GetEntityAsync(MetaPartition, "call-id-key", cancellationToken)).GetBinary("Key")!;
    }

    private async Task BumpAsync(CancellationToken cancellationToken) =>
        await table.UpsertEntityAsync(new TableEntity(MetaPartition, "version") { ["Stamp"] = Guid.NewGuid().ToString("N") }, TableUpdateMode.Replace,
            cancellationToken);

    private static string RuleRow(long ruleId) => ruleId.ToString("D12", CultureInfo.InvariantCulture);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
