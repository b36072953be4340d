using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Records;
using Automation.Functions.Api;
using Automation.Storage.Management;

namespace Automation.Functions.Management;

/// <summary>
/// <c>/api/admin/keys</c>: create (the key is in that response only), list, read and revoke API keys. Keys are stored
/// as their SHA-256; each carries scopes of API.md "Authentication" and acts as a user.
/// </summary>
public static class KeysApi
{
    public const int MaxNameLength = 100;

    /// <summary>Keys not revoked at any one time; more is a sign of keys created and never cleaned up.</summary>
    public const int MaxActiveKeys = 1000;

    public const string BootstrapId = "bootstrap";

    private static readonly string[] BodyKeys = ["name", "scopes", "user_id", "expires_at"];

    public static RouteGroupBuilder MapKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/admin/keys").WithTags("API keys");
        keys.MapGet("", ListAsync).RequireScope(Scopes.Admin);
        keys.MapPost("", CreateAsync).RequireScope(Scopes.Admin);
        keys.MapGet("/{id}", GetAsync).RequireScope(Scopes.Admin);
        keys.MapDelete("/{id}", RevokeAsync).RequireScope(Scopes.Admin);
        return api;
    }

    private static async Task<IResult> ListAsync(ApiKeyStore store, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var list = new JsonArray();
        if (configuration[BootstrapKeyValidator.Setting] is { Length: > 0 })
        {
            list.Add(BootstrapJson());
        }

        foreach (var key in (await store.ListAsync(cancellationToken)).OrderBy(k => k.CreatedAt))
        {
            list.Add(ToJson(key));
        }

        return TypedResults.Ok(list);
    }

    private static async Task<IResult> GetAsync(string id, ApiKeyStore store, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (id == BootstrapId && configuration[BootstrapKeyValidator.Setting] is { Length: > 0 })
        {
            return TypedResults.Ok(BootstrapJson());
        }

        return ApiKeyStore.IsId(id) && await store.GetAsync(id, cancellationToken) is { } key
            ? TypedResults.Ok(ToJson(key))
            : NotFound(id);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ApiKeyStore store, RecordService records, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var body = await RecordsApi.ReadObjectAsync(http.Request, cancellationToken);
        var errors = new FieldErrors();
        foreach (var unknown in body.Select(p => p.Key).Where(k => !BodyKeys.Contains(k)))
        {
            errors.Add(unknown, $"Unknown field; a key has {string.Join(", ", BodyKeys)}.");
        }

        var name = body["name"] is JsonValue n && n.TryGetValue<string>(out var text) ? text.Trim() : null;
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors.Add("name", $"A key needs a name of 1 to {MaxNameLength} characters (what uses it, e.g. \"CRM sync\").");
        }

        var scopes = new List<string>();
        if (body["scopes"] is not JsonArray scopeList || scopeList.Count == 0)
        {
            errors.Add("scopes", $"Give a non-empty list of scopes: {string.Join(", ", Scopes.All)}.");
        }
        else
        {
            foreach (var item in scopeList)
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var scope) && Scopes.All.Contains(scope))
                {
                    if (!scopes.Contains(scope))
                    {
                        scopes.Add(scope);
                    }
                }
                else
                {
                    errors.Add("scopes", $"Unknown scope {item?.ToJsonString() ?? "null"}; use {string.Join(", ", Scopes.All)}.");
                }
            }
        }

        var uid = http.Caller().Uid;
        if (body["user_id"] is { } userNode)
        {
            if (userNode is JsonValue u && u.TryGetValue<long>(out var given) && given > 0 &&
                await records.Store.FindAsync(await records.ModelAsync("res.users", cancellationToken), given, cancellationToken) is not null)
            {
                uid = given;
            }
            else
            {
                errors.Add("user_id", "user_id must be the id of an existing res.users record (the key acts as that user).");
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        DateTime? expires = null;
        if (body["expires_at"] is { } expiresNode)
        {
            if (expiresNode is JsonValue e && e.TryGetValue<string>(out var expiresText) &&
                DateTime.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed) &&
                parsed > now)
            {
                expires = parsed;
            }
            else
            {
                errors.Add("expires_at", "expires_at must be an ISO 8601 UTC time in the future, e.g. \"2027-01-01T00:00:00Z\".");
            }
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The key is not valid.");
        }

        if ((await store.ListAsync(cancellationToken)).Count(k => k.RevokedAt is null && !(k.ExpiresAt <= now)) >= MaxActiveKeys)
        {
            return TypedResults.Problem(statusCode: 409, title: "Too many keys",
                detail: $"There are already {MaxActiveKeys} active keys; revoke unused ones first.");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var keyText = StoredKeyValidator.Prefix + id + "_" + secret;
        var stored = new StoredApiKey
        {
            Id = id,
            Name = name!,
            Hash = SHA256.HashData(Encoding.UTF8.GetBytes(keyText)),
            Scopes = scopes,
            Uid = uid,
            CreatedAt = now,
            CreatedBy = http.Caller().KeyId,
            ExpiresAt = expires,
        };
        await store.AddAsync(stored, cancellationToken);
        var json = ToJson(stored);
        json["key"] = keyText; // shown here only: only its hash is kept
        return TypedResults.Created($"/api/admin/keys/{id}", json);
    }

    private static async Task<IResult> RevokeAsync(string id, ApiKeyStore store, StoredKeyValidator validator, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (id == BootstrapId)
        {
            return TypedResults.Problem(statusCode: 409, title: "Configured key",
                detail: $"The bootstrap key is the '{BootstrapKeyValidator.Setting}' setting: change or remove the setting and restart to retire it.");
        }

        if (!ApiKeyStore.IsId(id) || await store.RevokeAsync(id, time.GetUtcNow().UtcDateTime, cancellationToken) is null)
        {
            return NotFound(id);
        }

        validator.Forget(id);
        return TypedResults.NoContent();
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string id) => TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no API key '{id}'.");

    private static JsonObject ToJson(StoredApiKey key) => new()
    {
        ["id"] = key.Id,
        ["name"] = key.Name,
        ["scopes"] = new JsonArray(key.Scopes.Select(s => (JsonNode)s).ToArray()),
        ["user_id"] = key.Uid,
        ["created_at"] = Timestamp(key.CreatedAt),
        ["created_by"] = key.CreatedBy,
        ["expires_at"] = key.ExpiresAt is { } e ? Timestamp(e) : null,
        ["revoked_at"] = key.RevokedAt is { } r ? Timestamp(r) : null,
        ["last_used_at"] = key.LastUsedAt is { } u ? Timestamp(u) : null,
        ["prefix"] = StoredKeyValidator.Prefix + key.Id,
    };

    private static JsonObject BootstrapJson() => new()
    {
        ["id"] = BootstrapId,
        ["name"] = $"The {BootstrapKeyValidator.Setting} setting",
        ["scopes"] = new JsonArray(Scopes.Admin),
        ["user_id"] = 1,
        ["created_at"] = null,
        ["created_by"] = null,
        ["expires_at"] = null,
        ["revoked_at"] = null,
        ["last_used_at"] = null,
        ["prefix"] = null,
    };

    internal static string Timestamp(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
