using System.Reflection;
using System.Text.Json.Serialization;

namespace Automation.Functions.Endpoints;

public static class HealthEndpoints
{
    public static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary><c>GET /api/health</c>: anonymous, no storage round trip, so it answers as soon as the process serves.</summary>
    public static RouteGroupBuilder MapHealthEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/health", () => TypedResults.Ok(Current))
            .WithName("Health")
            .AllowAnonymous();
        return api;
    }

    /// <summary>
    /// Functions mode answers health before routing (<see cref="Hosting.StorageReadinessGate"/>): the same body, with
    /// compile-time JSON metadata, so a cold handler's first answer builds neither the route table nor the reflection
    /// serializer (cold start, issue #11).
    /// </summary>
    public static Task WriteAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(Current, HealthJsonContext.Default.HealthResponse, contentType: null, context.RequestAborted);

    private static readonly HealthResponse Current = new("ok", Version);

    public sealed record HealthResponse(string Status, string Version);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HealthEndpoints.HealthResponse))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
