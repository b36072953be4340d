using System.Security.Cryptography;
using System.Text;

namespace Automation.Functions.Api;

/// <summary>Scopes of API.md "Authentication"; <c>admin</c> implies all.</summary>
public static class Scopes
{
    public const string Admin = "admin";
    public const string RecordsRead = "records:read";
    public const string RecordsWrite = "records:write";
    public const string RulesRead = "rules:read";
    public const string RulesWrite = "rules:write";
    public const string CodeWrite = "code:write";

    /// <summary>Every scope a key may carry, in API.md's order.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, RecordsRead, RecordsWrite, RulesRead, RulesWrite, CodeWrite];
}

/// <summary>Endpoint metadata: the scope a route needs (null: any valid key). Tests and the OpenAPI document read it.</summary>
public sealed record RequiredScope(string? Scope);

/// <summary>Who is calling: the user id changes are made as, and the key's scopes.</summary>
public sealed record ApiCaller(string KeyId, long Uid, IReadOnlySet<string> Scopes)
{
    public bool Has(string scope) => Scopes.Contains(Automation.Functions.Api.Scopes.Admin) || Scopes.Contains(scope);
}

/// <summary>Resolves a presented API key to its caller, or null when it is unknown.</summary>
public interface IApiKeyValidator
{
    ValueTask<ApiCaller?> ValidateAsync(string presentedKey, CancellationToken cancellationToken);
}

/// <summary>
/// The <c>Automation:BootstrapAdminKey</c> setting, accepted as an <c>admin</c> key acting as user 1 (API.md): how a
/// fresh deployment and the local run are first used. Compared by SHA-256 in constant time.
/// </summary>
public sealed class BootstrapKeyValidator(IConfiguration configuration) : IApiKeyValidator
{
    public const string Setting = "Automation:BootstrapAdminKey";

    /// <summary>Shorter keys are refused at start-up: the bootstrap key guards everything.</summary>
    public const int MinimumLength = 16;

    private readonly byte[]? _hash = configuration[Setting] is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public ValueTask<ApiCaller?> ValidateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (_hash is null)
        {
            return ValueTask.FromResult<ApiCaller?>(null);
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(presented, _hash)
            ? new ApiCaller("bootstrap", 1, new HashSet<string> { Scopes.Admin })
            : null);
    }
}

/// <summary>
/// Endpoint filter: <c>Authorization: Bearer &lt;key&gt;</c> with the scope the route needs (null: any valid key); 401
/// without a known key, 403 without the scope, both as problem details.
/// </summary>
public sealed class ApiKeyFilter(string? scope) : IEndpointFilter
{
    public const string CallerItem = "Automation.ApiCaller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized",
                detail: "Send an API key as 'Authorization: Bearer <key>'.");
        }

        var validators = http.RequestServices.GetServices<IApiKeyValidator>();
        ApiCaller? caller = null;
        foreach (var validator in validators)
        {
            caller = await validator.ValidateAsync(header[7..].Trim(), http.RequestAborted);
            if (caller is not null)
            {
                break;
            }
        }

        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "The API key is not known or was revoked.");
        }

        if (scope is not null && !caller.Has(scope))
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: $"This API key lacks the '{scope}' scope.");
        }

        http.Items[CallerItem] = caller;
        return await next(context);
    }
}

public static class ApiKeyExtensions
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequiredScope(scope));
        builder.AddEndpointFilter(new ApiKeyFilter(scope));
        return builder;
    }

    /// <summary>Any valid key, whatever its scopes.</summary>
    public static TBuilder RequireKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequiredScope(null));
        builder.AddEndpointFilter(new ApiKeyFilter(null));
        return builder;
    }

    public static ApiCaller Caller(this HttpContext context) =>
        context.Items[ApiKeyFilter.CallerItem] as ApiCaller ?? throw new InvalidOperationException("The route has no RequireScope.");
}
