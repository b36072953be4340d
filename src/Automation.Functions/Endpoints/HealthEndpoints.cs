using System.Reflection;

namespace Automation.Functions.Endpoints;

public static class HealthEndpoints
{
    public static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary><c>GET /api/health</c>: anonymous, no storage round trip, so it answers as soon as the process serves.</summary>
    public static RouteGroupBuilder MapHealthEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/health", () => TypedResults.Ok(new HealthResponse("ok", Version)))
            .WithName("Health")
            .AllowAnonymous();
        return api;
    }

    public sealed record HealthResponse(string Status, string Version);
}
