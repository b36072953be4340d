using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Automation.Functions.Api;
using Automation.Storage;
using Automation.Storage.Management;

namespace Automation.Functions.Management;

/// <summary>
/// Keys created through <c>/api/admin/keys</c>: <c>ak_&lt;id&gt;_&lt;secret&gt;</c>. The id names the stored entity (one
/// point read, cached for <see cref="CacheDuration"/>); the SHA-256 of the presented text is compared with the stored
/// hash in constant time. Revoked and expired keys are refused. A revocation applies at once on the instance that made
/// it and within <see cref="CacheDuration"/> on the others.
/// </summary>
public sealed class StoredKeyValidator(ApiKeyStore store, TimeProvider time, ILogger<StoredKeyValidator> logger) : IApiKeyValidator
{
    public const string Prefix = "ak_";

    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(5);

    /// <summary>A key's last use is written at most this often (per instance): the list shows roughly when a key was last used.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(10);

    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, (StoredApiKey? Key, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    /// <summary>The id part of a key text in our format, or null.</summary>
    public static string? IdOf(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        return presented.Length > Prefix.Length + 13 && presented.StartsWith(Prefix, StringComparison.Ordinal) && presented[Prefix.Length + 12] == '_' &&
               ApiKeyStore.IsId(presented.Substring(Prefix.Length, 12))
            ? presented.Substring(Prefix.Length, 12)
            : null;
    }

    public async ValueTask<ApiCaller?> ValidateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (IdOf(presentedKey) is not { } id || presentedKey.Length > 200)
        {
            return null;
        }

        var now = time.GetUtcNow();
        StoredApiKey? key;
        if (_cache.TryGetValue(id, out var cached) && now - cached.FetchedAt < CacheDuration)
        {
            key = cached.Key;
        }
        else
        {
            key = await store.GetAsync(id, cancellationToken);
            if (_cache.Count > MaxCached)
            {
                _cache.Clear();
            }

            _cache[id] = (key, now);
        }

        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now.UtcDateTime ||
            !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey)), key.Hash))
        {
            return null;
        }

        Touch(id, now);
        return new ApiCaller(id, key.Uid, new HashSet<string>(key.Scopes, StringComparer.Ordinal));
    }

    /// <summary>Forgets what this instance knows of a key (after it revoked it).</summary>
    public void Forget(string id) => _cache.TryRemove(id, out _);

    private void Touch(string id, DateTimeOffset now)
    {
        if (_touched.TryGetValue(id, out var last) && now - last < TouchInterval)
        {
            return;
        }

        _touched[id] = now;
        _ = Task.Run(async () =>
        {
            try
            {
                await store.TouchAsync(id, now.UtcDateTime, CancellationToken.None);
            }
            catch (Exception e) when (StorageFailure.IsStorageFailure(e))
            {
                logger.LogDebug(e, "Could not record the use of API key {KeyId}", id);
            }
        });
    }
}
