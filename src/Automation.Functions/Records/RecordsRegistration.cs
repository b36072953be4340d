using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Functions.Api;
using Automation.Functions.Hosting;
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
        resources.Tables.UnionWith([RecordEntities.TableName, IdAllocator.TableName, TableModelRegistry.TableName]);
        resources.Queues.Add(PendingEvents.QueueName);

        services.AddSingleton(sp => new IdAllocator(Table(sp, IdAllocator.TableName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PendingEvents(Table(sp, RecordEntities.TableName),
            sp.GetRequiredService<QueueServiceClient>().GetQueueClient(PendingEvents.QueueName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EventPublisher(sp.GetRequiredService<PendingEvents>(), sp.GetRequiredService<ILogger<EventPublisher>>()));
        services.AddHostedService<EventPublisherShutdown>();
        services.AddSingleton(sp => new SequenceNumbers(Table(sp, RecordEntities.TableName)));
        services.AddSingleton<IModelRegistry>(sp => new TableModelRegistry(Table(sp, TableModelRegistry.TableName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new GroupCommit(Table(sp, RecordEntities.TableName)));
        services.AddSingleton<IRecordStore>(sp => ActivatorUtilities.CreateInstance<TableRecordStore>(sp, Table(sp, RecordEntities.TableName)));
        services.AddSingleton<RecordService>();
        services.AddSingleton<ITimerFunction, Sweeper>();
        services.AddSingleton<IStartupTask, StarterData>();
        return services;
    }

    /// <summary>API keys (the bootstrap key for now) and problem details for the engine's errors.</summary>
    public static IServiceCollection AddAutomationApi(this IServiceCollection services)
    {
        services.AddSingleton<IApiKeyValidator, BootstrapKeyValidator>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        return services;
    }

    private static TableClient Table(IServiceProvider services, string name) =>
        services.GetRequiredService<TableServiceClient>().GetTableClient(name);
}
