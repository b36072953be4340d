using Automation.Functions.Api;
using Automation.Functions.Hosting;
using Automation.Storage.Management;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Storage.Tables;

namespace Automation.Functions.Management;

public static class ManagementRegistration
{
    /// <summary>The management API of issue #10: API keys, run history and replay, dead letters, export/import, retention.</summary>
    public static IServiceCollection AddAutomationManagement(this IServiceCollection services, StorageResources resources, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Tables.UnionWith([ApiKeyStore.TableName, RunPayloads.TableName, QueueFailureLog.TableName]);

        services.AddSingleton(sp => new ApiKeyStore(Table(sp, ApiKeyStore.TableName)));
        services.AddSingleton(sp => new RunPayloads(Table(sp, RunPayloads.TableName)));
        services.AddSingleton(sp => new QueueFailureLog(Table(sp, QueueFailureLog.TableName)));
        services.AddSingleton<StoreTransfer>();
        services.AddSingleton(RetentionOptions.FromConfiguration(configuration));
        services.AddSingleton<ITimerFunction, Retention>();
        services.AddSingleton(sp => new DeadLetters(sp.GetRequiredService<QueueServiceClient>(), sp.GetRequiredService<QueueFailureLog>()));
        services.AddSingleton<StoredKeyValidator>();
        services.AddSingleton<IApiKeyValidator>(sp => sp.GetRequiredService<StoredKeyValidator>());
        return services;
    }

    public static RouteGroupBuilder MapManagementApi(this RouteGroupBuilder api)
    {
        api.MapKeysApi();
        api.MapRunsApi();
        api.MapDeadLettersApi();
        api.MapTransferApi();
        return api;
    }

    private static TableClient Table(IServiceProvider services, string name) =>
        services.GetRequiredService<TableServiceClient>().GetTableClient(name);
}
