using Automation.Functions.Api;
using Automation.Functions.Deliveries;
using Automation.Functions.Endpoints;
using Automation.Functions.Hosting;
using Automation.Functions.Management;
using Automation.Functions.Records;
using Automation.Functions.Time;
using Automation.Functions.Webhooks;

namespace Automation.Functions;

/// <summary>The app's table of contents: what is registered and which endpoint groups are mapped.</summary>
public static class AutomationApp
{
    /// <param name="args">Command-line arguments (<c>--urls</c>, settings as <c>--Key=value</c>).</param>
    /// <param name="configure">Extra registrations (tests add their own functions here).</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The slim builder: no HTTPS, HTTP/3 or IIS set-up, which the handler does not use (the Functions host or a proxy
        // terminates TLS), and a faster cold start (issue #11).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddAutomationObservability();
        builder.Configuration.AddTimeRuleDefaults();
        var storage = builder.AddAutomationHosting();
        builder.Services.AddAutomationApi(builder.Configuration);
        builder.Services.AddAutomationRecords(storage);
        builder.Services.AddAutomationWebhooks(storage, builder.Configuration);
        builder.Services.AddAutomationTimeRules(storage, builder.Configuration);
        builder.Services.AddAutomationDeliveries(storage, builder.Configuration);
        builder.Services.AddAutomationManagement(storage, builder.Configuration);
        builder.Services.AddAutomationOpenApi();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.AnnounceWhenStarted();
        app.UseFunctionsInvocations();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        var api = app.MapGroup("/" + app.Services.GetRequiredService<HostSettings>().RoutePrefix);
        api.MapHealthEndpoints();
        api.MapRecordsApi();
        api.MapModelsApi();
        api.MapRulesApi();
        api.MapWebhookEndpoints();
        api.MapSchedulerApi();
        api.MapDeliveriesApi();
        api.MapManagementApi();
        api.MapOpenApi(OpenApiDocumentation.Route).RequireKey();
        return app;
    }
}
