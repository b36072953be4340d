using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Functions.Api;
using Automation.Functions.Hosting;
using Automation.Functions.Rules;
using Automation.Scripting;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Storage.Tables;

namespace Automation.Functions.Records;

public static class RecordsRegistration
{
    /// <summary>Models, records, change events and their sweeper, on the app's storage.</summary>
    public static IServiceCollection AddAutomationRecords(this IServiceCollection services, StorageResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Tables.UnionWith([RecordEntities.TableName, IdAllocator.TableName, TableModelRegistry.TableName, TableRuleStore.TableName,
            TableRunLog.TableName]);
        resources.Queues.Add(PendingEvents.QueueName);

        services.AddSingleton(sp => new IdAllocator(Table(sp, IdAllocator.TableName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PendingEvents(Table(sp, RecordEntities.TableName),
            sp.GetRequiredService<QueueServiceClient>().GetQueueClient(PendingEvents.QueueName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<QueueWakeups>();
        services.AddSingleton(sp => new PendingSettler(sp.GetRequiredService<PendingEvents>(), sp.GetRequiredService<ILogger<PendingSettler>>()));
        services.AddSingleton(sp => new EventPublisher(sp.GetRequiredService<PendingEvents>(), sp.GetRequiredService<ILogger<EventPublisher>>(),
            wakeups: sp.GetRequiredService<QueueWakeups>(), settler: sp.GetRequiredService<PendingSettler>()));
        services.AddHostedService<EventPublisherShutdown>();
        services.AddSingleton(sp => new SequenceNumbers(Table(sp, RecordEntities.TableName), () => sp.GetRequiredService<IRecordStore>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IModelRegistry>(sp => new TableModelRegistry(Table(sp, TableModelRegistry.TableName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new GroupCommit(Table(sp, RecordEntities.TableName)));
        services.AddSingleton<IRecordStore>(sp => ActivatorUtilities.CreateInstance<TableRecordStore>(sp, Table(sp, RecordEntities.TableName)));
        services.AddSingleton<ComputedFields>();
        services.AddSingleton<RecordService>();

        // The rule engine and the queue function that feeds it change events.
        services.AddSingleton<IRuleStore>(sp => new TableRuleStore(Table(sp, TableRuleStore.TableName), sp.GetRequiredService<IdAllocator>(),
            sp.GetRequiredService<TimeProvider>()));
        // One run log per process: its claims and saves share transactions (GroupCommit), whoever writes them.
        services.AddSingleton(sp => new TableRunLog(Table(sp, TableRunLog.TableName)));
        services.AddSingleton<IRunLog>(sp => sp.GetRequiredService<TableRunLog>());
        services.AddSingleton(sp => new RuleEngineOptions
        {
            MaxChainDepth = sp.GetRequiredService<IConfiguration>().GetValue("Automation:MaxChainDepth", 16),
            RunFailed = (change, run) => sp.GetRequiredService<ILogger<RuleEngine>>().LogError(
                "Rule {RuleId} failed on {Model} {RecordId} (event {EventId}, chain {ChainId}, depth {Depth}): {Error}",
                run.RuleId, run.Model, run.RecordIds.Count > 0 ? run.RecordIds[0] : 0, change.Id, change.Chain.Id, change.Chain.Depth, run.Error),
            RunScope = (ruleId, runId, chainId) => LogScopes.Begin(sp.GetRequiredService<ILogger<RuleEngine>>(),
                (LogScopes.RuleId, ruleId), (LogScopes.RunId, runId), (LogScopes.ChainId, chainId)),
            SettleInline = (change, _) =>
            {
                sp.GetRequiredService<PendingSettler>().Settle(change);
                return Task.CompletedTask;
            },
            RecomputeFailed = (change, dependent, error) => sp.GetRequiredService<ILogger<RuleEngine>>().LogWarning(
                "Could not recompute {Fields} of {Model} {RecordId} after a change of {ChangedModel} {ChangedId} (chain {ChainId}): {Error}",
                string.Join(", ", dependent.Fields), dependent.Model.Name, dependent.Id, change.Model, change.RecordId, change.Chain.Id, error.Message),
        });
        services.AddSingleton(ScriptEngine.Shared);
        services.AddSingleton<ActionRunner>();
        services.AddSingleton<RuleEngine>();
        services.AddSingleton<OnChange>();
        services.AddSingleton<IQueueFunction, RecordEvents>();
        services.AddSingleton<ITimerFunction, Sweeper>();
        services.AddSingleton<IStartupTask, StarterData>();
        return services;
    }

    /// <summary>API keys (the bootstrap key for now) and problem details for the engine's errors.</summary>
    public static IServiceCollection AddAutomationApi(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[BootstrapKeyValidator.Setting] is { Length: > 0 and < BootstrapKeyValidator.MinimumLength })
        {
            throw new StartupException(
                $"'{BootstrapKeyValidator.Setting}' is shorter than {BootstrapKeyValidator.MinimumLength} characters; it grants admin rights, so use a long random value.");
        }

        // An App Service Key Vault reference that did not resolve arrives as its own text: never accept that as a key.
        if (configuration[BootstrapKeyValidator.Setting] is { } key && key.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            throw new StartupException(
                $"'{BootstrapKeyValidator.Setting}' is a Key Vault reference the platform could not resolve ({key}): the secret does not exist " +
                "yet, or the app's identity cannot read it (Key Vault Secrets User). Set the secret and restart the app (README \"Deploy to Azure\").");
        }

        services.AddSingleton<IApiKeyValidator, BootstrapKeyValidator>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        return services;
    }

    private static TableClient Table(IServiceProvider services, string name) =>
        services.GetRequiredService<TableServiceClient>().GetTableClient(name);
}
