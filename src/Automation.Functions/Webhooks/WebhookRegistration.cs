using Automation.Core.Webhooks;
using Automation.Functions.Api;
using Automation.Functions.Hosting;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Storage.Webhooks;

namespace Automation.Functions.Webhooks;

public static class WebhookRegistration
{
    /// <summary>Incoming webhooks (issue #7): the ingress, the <c>WebhookCalls</c> queue function, its maintenance timer, and the admin routes.</summary>
    public static IServiceCollection AddAutomationWebhooks(this IServiceCollection services, StorageResources resources, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Tables.UnionWith([WebhookTokens.TableName, QueuedCalls.PayloadTableName, TableWebhookLog.TableName]);
        resources.Queues.Add(QueuedCalls.QueueName);

        services.AddSingleton(sp => WebhookOptions.FromConfiguration(configuration, sp.GetRequiredService<ActiveHostingMode>().Mode));
        services.AddSingleton(sp => new WebhookTokens(Table(sp, WebhookTokens.TableName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new WebhookDeduplication(Table(sp, WebhookTokens.TableName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new WebhookDirectory((TableRuleStore)sp.GetRequiredService<Core.Rules.IRuleStore>(), sp.GetRequiredService<WebhookTokens>(),
            sp.GetRequiredService<TimeProvider>())
        {
            RefreshInterval = sp.GetRequiredService<WebhookOptions>().DirectoryRefresh,
        });
        services.AddSingleton(sp => new QueuedCalls(sp.GetRequiredService<QueueServiceClient>().GetQueueClient(QueuedCalls.QueueName),
            Table(sp, QueuedCalls.PayloadTableName)));
        services.AddSingleton(sp => new TableWebhookLog(Table(sp, TableWebhookLog.TableName)));
        services.AddSingleton<IWebhookLog>(sp => sp.GetRequiredService<TableWebhookLog>());
        services.AddSingleton<WebhookKeys>();
        services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<WebhookKeys>());
        services.AddSingleton<WebhookRateLimiter>();
        services.AddSingleton<WebhookUrls>();
        services.AddSingleton<WebhookIngress>();
        services.AddSingleton<WebhookProcessor>();
        services.AddSingleton<IRuleChangeHook, WebhookRuleHook>();
        services.AddSingleton<IQueueFunction, WebhookCalls>();
        services.AddSingleton<ITimerFunction, WebhookMaintenance>();
        return services;
    }

    private static TableClient Table(IServiceProvider services, string name) =>
        services.GetRequiredService<TableServiceClient>().GetTableClient(name);
}
