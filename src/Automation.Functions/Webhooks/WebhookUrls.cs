using Automation.Functions.Hosting;

namespace Automation.Functions.Webhooks;

/// <summary>The full webhook URL shown to an admin: the configured public base, else the Functions host name, else the request's.</summary>
public sealed class WebhookUrls(WebhookOptions options, HostSettings host, IConfiguration configuration)
{
    public string For(HttpRequest request, string token)
    {
        ArgumentNullException.ThrowIfNull(request);
        var origin = options.PublicBaseUrl
                     ?? (configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } azureHost ? "https://" + azureHost : null)
                     ?? $"{request.Scheme}://{request.Host}";
        return $"{origin}/{host.RoutePrefix}/hooks/{token}";
    }
}
