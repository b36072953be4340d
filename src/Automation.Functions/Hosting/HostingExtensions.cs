using Automation.Storage;
using Automation.Storage.Queues;
using Automation.Storage.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Automation.Functions.Hosting;

public static class HostingExtensions
{
    /// <summary>Setting: where the function folders and host.json are (default: next to the executable).</summary>
    public const string AppRootSetting = "Automation:AppRoot";

    /// <summary>Setting: Azurite's data folder when standalone mode starts it (default: <c>.azurite</c> in the working directory).</summary>
    public const string AzuriteLocationSetting = "Automation:AzuriteLocation";

    /// <summary>
    /// Hosting mode, URLs, local.settings.json, host.json, the function catalogue and storage clients. Throws
    /// <see cref="StartupException"/> for configuration the app cannot start with.
    /// </summary>
    public static StorageResources AddAutomationHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var mode = HostingModes.Detect(configuration);
        var workingRoot = WorkingRoot();
        if (mode == HostingMode.Standalone)
        {
            LocalSettings.AddTo(configuration, workingRoot);
            if (string.IsNullOrEmpty(configuration["urls"]))
            {
                builder.WebHost.UseUrls(HostingModes.DefaultStandaloneUrl);
            }
        }
        else
        {
            if (string.IsNullOrEmpty(configuration["urls"]))
            {
                builder.WebHost.UseUrls($"http://127.0.0.1:{configuration[HostingModes.CustomHandlerPortSetting]}");
            }

            // The host captures stdout: our "serving" line is enough, without the lifetime's three lines at start-up.
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        }

        var appRoot = configuration[AppRootSetting] ?? AppContext.BaseDirectory;
        var settings = HostSettings.Load(Path.Combine(appRoot, "host.json"));
        var catalog = FunctionCatalog.Load(appRoot, configuration);
        foreach (var timer in catalog.All.Where(f => f.Trigger == TriggerKind.Timer))
        {
            _ = TimerSchedule.Parse(timer.Schedule!, timer.Name);
        }

        StorageConnection connection;
        try
        {
            // Standalone mode defaults to the development storage, so the quick start needs no settings at all.
            connection = StorageConnection.FromConfiguration(configuration, StorageConnection.DefaultSettingName,
                mode == HostingMode.Standalone ? "UseDevelopmentStorage=true" : null);
        }
        catch (StorageConfigurationException e)
        {
            throw new StartupException(e.Message, e);
        }

        var resources = new StorageResources();
        foreach (var queue in catalog.All.Where(f => f.Trigger == TriggerKind.Queue))
        {
            resources.Queues.Add(queue.QueueName!);
        }

        var services = builder.Services;
        services.AddSingleton(new ActiveHostingMode(mode));
        services.AddSingleton(settings);
        services.AddSingleton(catalog);
        services.AddSingleton(connection);
        services.AddSingleton(resources);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FunctionHandlers>();
        services.AddSingleton<StorageReadiness>();
        services.AddSingleton(new StorageClientOptions());
        services.AddSingleton(sp => new TableServiceClient(connection, sp.GetRequiredService<StorageClientOptions>()));
        services.AddSingleton(sp => new QueueServiceClient(connection, sp.GetRequiredService<StorageClientOptions>()));
        services.AddSingleton(sp => new StorageStartup(
            connection, mode, resources,
            sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<QueueServiceClient>(),
            Path.GetFullPath(configuration[AzuriteLocationSetting] ?? ".azurite", workingRoot),
            sp.GetRequiredService<ILogger<StorageStartup>>()));
        if (mode == HostingMode.Standalone)
        {
            services.AddSingleton<StandaloneRuntime>();
            services.AddHostedService(sp => sp.GetRequiredService<StandaloneRuntime>());
        }

        return resources;
    }

    /// <summary>
    /// Where a developer's files live: the repository root when running from a clone (<c>dotnet run</c> starts in the
    /// project folder), else the working directory. local.settings.json and <c>.azurite/</c> are looked for there.
    /// </summary>
    public static string WorkingRoot()
    {
        var current = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(current); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Automation.sln")))
            {
                return dir.FullName;
            }
        }

        return current;
    }

    /// <summary>Prints where the app listens once it does, so the quick start says what to curl.</summary>
    public static WebApplication AnnounceWhenStarted(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var mode = app.Services.GetRequiredService<ActiveHostingMode>().Mode;
            var prefix = app.Services.GetRequiredService<HostSettings>().RoutePrefix;
            foreach (var url in app.Urls)
            {
                app.Logger.LogInformation("Automation {Version} ({Mode} mode) is serving {Url}/{Prefix} — try: curl {Url}/{Prefix}/health",
                    Endpoints.HealthEndpoints.Version, mode, url, prefix, url, prefix);
            }
        });
        return app;
    }

    /// <summary>Functions mode only: answers the host's invocation POSTs before routing sees the request.</summary>
    public static WebApplication UseFunctionsInvocations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<ActiveHostingMode>().Mode == HostingMode.Functions)
        {
            app.UseMiddleware<StorageReadinessGate>();
            app.UseMiddleware<FunctionsInvocationMiddleware>();
        }

        return app;
    }

    /// <summary>Functions mode: how long after listening storage preparation starts if no request has started it.</summary>
    internal static readonly TimeSpan PreparationFallbackDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Checks handlers against function.json files, then gets storage ready (starting Azurite if needed) and runs the
    /// start-up tasks. Functions mode listens first and does all of this in the background once the host's first
    /// readiness ping is answered, or <see cref="PreparationFallbackDelay"/> after listening, whichever is first: the
    /// ping gets the CPU to itself (cold start, issue #11, on 2 cores). Other requests start it and wait for it
    /// (<see cref="StorageReadinessGate"/>), and a failure stops the app with exit code 1 and the reason on stderr, as a
    /// failure here does in standalone mode.
    /// </summary>
    public static async Task InitializeAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var readiness = app.Services.GetRequiredService<StorageReadiness>();
        if (app.Services.GetRequiredService<ActiveHostingMode>().Mode == HostingMode.Functions)
        {
            readiness.Defer(() => _ = Task.Run(() => PrepareInBackgroundAsync(app, readiness), CancellationToken.None));
            app.Lifetime.ApplicationStarted.Register(() =>
                _ = Task.Delay(PreparationFallbackDelay, app.Lifetime.ApplicationStopping)
                    .ContinueWith(_ => readiness.Begin(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default));
            return;
        }

        _ = app.Services.GetRequiredService<FunctionHandlers>();
        await PrepareStorageAsync(app.Services, cancellationToken);
        readiness.Succeeded();
    }

    private static async Task PrepareStorageAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<StorageStartup>().InitializeAsync(cancellationToken);
        foreach (var task in services.GetServices<IStartupTask>())
        {
            await task.RunAsync(cancellationToken);
        }
    }

    private static async Task PrepareInBackgroundAsync(WebApplication app, StorageReadiness readiness)
    {
        try
        {
            _ = app.Services.GetRequiredService<FunctionHandlers>();
            await PrepareStorageAsync(app.Services, app.Lifetime.ApplicationStopping);
            readiness.Succeeded();
        }
        catch (Exception e)
        {
            readiness.Failed(e);
            if (!app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"Automation cannot start: {(e is StartupException ? e.Message : e.ToString())}");
                Environment.ExitCode = 1;

                // Stopping a host that is still starting cancels its start with an exception; once started, it stops cleanly.
                app.Lifetime.ApplicationStarted.Register(app.Lifetime.StopApplication);
            }
        }
    }
}
