using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Core.Time;
using Automation.Functions.Api;
using Automation.Functions.Hosting;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Storage.Time;
using Microsoft.Extensions.Configuration.Memory;

namespace Automation.Functions.Time;

public static class TimeRulesRegistration
{
    /// <summary>
    /// Defaults of settings a function.json refers to as <c>%Setting%</c>, added below every other configuration source so
    /// local runs need none (Azure's app settings set them, infra/).
    /// </summary>
    public static ConfigurationManager AddTimeRuleDefaults(this ConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new KeyValuePair<string, string?>(TimeRuleOptions.ScheduleSetting, TimeRuleOptions.DefaultSchedule)],
        });
        return configuration;
    }

    /// <summary>Time-based rules (issue #9): the trigger-date index kept from change events, the check, its timer and admin routes.</summary>
    public static IServiceCollection AddAutomationTimeRules(this IServiceCollection services, StorageResources resources, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Tables.UnionWith([TableTriggerDateIndex.TableName, TableTimeRuleStates.TableName]);

        var options = TimeRuleOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton<ITriggerDateIndex>(sp => new TableTriggerDateIndex(Table(sp, TableTriggerDateIndex.TableName)));
        services.AddSingleton<ITimeRuleStates>(sp => new TableTimeRuleStates(Table(sp, TableTimeRuleStates.TableName)));
        services.AddSingleton<IRuleLastRunMirror>(sp => new TableRuleLastRun(Table(sp, TableRuleStore.TableName)));
        services.AddSingleton<CalendarSource>();
        services.AddSingleton<IChangeObserver, TriggerDateObserver>();
        services.AddSingleton<TimeRuleScheduler>();
        services.AddSingleton(sp => new TimeRuleRunner(sp.GetRequiredService<RecordService>(), sp.GetRequiredService<ActionRunner>(),
            sp.GetRequiredService<IRunLog>(), sp.GetRequiredService<RuleEngine>(), sp.GetRequiredService<RuleEngineOptions>(),
            sp.GetRequiredService<TimeProvider>())
        {
            RunLease = options.RunLease,
        });
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<HostSettings>();
            if (options.Budget >= settings.FunctionTimeout)
            {
                throw new StartupException($"'{TimeRuleOptions.Section}:Budget' ({options.Budget}) must be shorter than host.json's functionTimeout " +
                                           $"({settings.FunctionTimeout}), so a check stops and saves its progress before the host cancels it.");
            }

            return options.ToJobOptions(sp.GetRequiredService<ILogger<TimeRuleJob>>());
        });
        services.AddSingleton<TimeRuleJob>();
        services.AddSingleton<SchedulerOverview>();
        services.AddSingleton<IRuleChangeHook, TimeRuleHook>();
        services.AddSingleton<ITimerFunction, TimeRules>();
        return services;
    }

    private static TableClient Table(IServiceProvider services, string name) =>
        services.GetRequiredService<TableServiceClient>().GetTableClient(name);
}
