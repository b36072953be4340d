using System.Security.Cryptography;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Core.Webhooks;
using Automation.Storage.Records;

namespace Automation.Storage.Webhooks;

/// <summary>An active <c>on_webhook</c> rule as the ingress needs it: the rule and its compiled guards.</summary>
public sealed record WebhookEndpoint(AutomationRule Rule, WebhookGuards Guards, byte[] TokenHash);

/// <summary>
/// The ingress's view of webhook URLs: token hash → active <c>on_webhook</c> rule, held in memory so that accepting a
/// call costs no storage read. The view is rebuilt when the rules' or the tokens' version stamp changes; the stamps are
/// read at most every <see cref="RefreshInterval"/>, and at once after a change made through this instance
/// (<see cref="Invalidate"/>), so a rotated, archived or deleted rule's URL answers 404 immediately here and within
/// the interval on other instances.
/// </summary>
public sealed class WebhookDirectory(TableRuleStore rules, WebhookTokens tokens, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The endpoint whose token has SHA-256 <paramref name="tokenHash"/> (hex), or null.</summary>
    public async Task<WebhookEndpoint?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is null || time.GetUtcNow() - snapshot.CheckedAt >= RefreshInterval)
        {
            snapshot = await RefreshAsync(cancellationToken);
        }

        // The dictionary finds the candidate by the hash (an attacker cannot steer a SHA-256); the final comparison
        // does not return early on the first differing byte.
        return snapshot.ByHash.TryGetValue(tokenHash, out var endpoint) &&
               CryptographicOperations.FixedTimeEquals(Convert.FromHexString(tokenHash), endpoint.TokenHash)
            ? endpoint
            : null;
    }

    /// <summary>Forgets the view: the next lookup reads the stamps (after a save, rotation or delete here).</summary>
    public void Invalidate() => _snapshot = null;

    public void Dispose() => _gate.Dispose();

    private async Task<Snapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } fresh && time.GetUtcNow() - fresh.CheckedAt < RefreshInterval)
            {
                return fresh; // refreshed by a concurrent caller while this one waited
            }

            var ruleStamp = rules.StampAsync(cancellationToken);
            var tokenStamp = tokens.StampAsync(cancellationToken);
            var stamp = await ruleStamp + "/" + await tokenStamp;
            if (_snapshot is { } current && current.Stamp == stamp)
            {
                _snapshot = current with { CheckedAt = time.GetUtcNow() };
                return _snapshot;
            }

            var hashes = tokens.ListAsync(cancellationToken);
            var all = (await rules.ListAsync(cancellationToken)).ToDictionary(r => r.Id);
            var byHash = new Dictionary<string, WebhookEndpoint>(StringComparer.Ordinal);
            foreach (var (hash, ruleId) in await hashes)
            {
                if (all.GetValueOrDefault(ruleId) is { Active: true, Trigger: Triggers.OnWebhook } rule)
                {
                    byHash[hash] = new WebhookEndpoint(rule, WebhookGuards.Parse(rule, new FieldErrors()), Convert.FromHexString(hash));
                }
            }

            _snapshot = new Snapshot(stamp, byHash, time.GetUtcNow());
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Snapshot(string Stamp, IReadOnlyDictionary<string, WebhookEndpoint> ByHash, DateTimeOffset CheckedAt);
}
