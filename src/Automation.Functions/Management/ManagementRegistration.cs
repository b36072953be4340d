using Automation.Functions.Api;
using Automation.Functions.Hosting;
using Automation.Storage.Management;
using Automation.Storage.Tables;

namespace Automation.Functions.Management;

public static class ManagementRegistration
{
    /// <summary>The management API of issue #10: API keys, run history and replay, dead letters, export/import, retention.</summary>
    public static IServiceCollection AddAutomationManagement(this IServiceCollection services, StorageResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Tables.UnionWith([ApiKeyStore.TableName]);

        services.AddSingleton(sp => new ApiKeyStore(Table(sp, ApiKeyStore.TableName)));
        services.AddSingleton<StoredKeyValidator>();
        services.AddSingleton<IApiKeyValidator>(sp => sp.GetRequiredService<StoredKeyValidator>());
        return services;
    }

    public static RouteGroupBuilder MapManagementApi(this RouteGroupBuilder api)
    {
        api.MapKeysApi();
        return api;
    }

    private static TableClient Table(IServiceProvider services, string name) =>
        services.GetRequiredService<TableServiceClient>().GetTableClient(name);
}
