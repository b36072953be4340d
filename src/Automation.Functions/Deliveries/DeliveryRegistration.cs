using Automation.Core.Ai;
using Automation.Core.Deliveries;
using Automation.Core.Rules;
using Automation.Core.Sequences;
using Automation.Functions.Hosting;
using Automation.Storage.Deliveries;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Storage.Tables;

namespace Automation.Functions.Deliveries;

public static class DeliveryRegistration
{
    /// <summary>
    /// The outbox and what sends from it (issue #8): the <c>Deliveries</c> queue function, its maintenance timer, the
    /// channels chosen by settings, the SSRF-guarded HTTP client, the AI endpoint, and what actions use of them.
    /// </summary>
    public static IServiceCollection AddAutomationDeliveries(this IServiceCollection services, StorageResources resources, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Tables.Add(TableOutbox.TableName);
        resources.Queues.Add(TableOutbox.QueueName);

        var options = DeliveryOptions.FromConfiguration(configuration);
        var smtp = SmtpOptions.FromConfiguration(configuration);
        var twilio = TwilioOptions.FromConfiguration(configuration);
        var whatsapp = WhatsAppCloudOptions.FromConfiguration(configuration);
        var ai = AiOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton(smtp);
        services.AddSingleton(twilio);
        services.AddSingleton(whatsapp);
        services.AddSingleton(ai);
        services.AddSingleton(sp => new OutboundHttp(options));
        services.AddSingleton(sp => new TableOutbox(sp.GetRequiredService<TableServiceClient>().GetTableClient(TableOutbox.TableName),
            sp.GetRequiredService<QueueServiceClient>().GetQueueClient(TableOutbox.QueueName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDeliveryOutbox>(sp => sp.GetRequiredService<TableOutbox>());
        services.AddSingleton<IAiCompletion>(sp => new OpenAiCompletion(ai, sp.GetRequiredService<OutboundHttp>()));
        services.AddSingleton(sp => new ActionServices
        {
            Outbox = sp.GetRequiredService<IDeliveryOutbox>(),
            Sequences = sp.GetRequiredService<SequenceNumbers>(),
            Ai = sp.GetRequiredService<IAiCompletion>(),
            Time = sp.GetRequiredService<TimeProvider>(),
        });
        services.AddSingleton<IRuleSaveCheck, ActionSaveCheck>();

        services.AddSingleton<IDeliveryChannel>(sp => new WebhookChannel(sp.GetRequiredService<OutboundHttp>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDeliveryChannel>(_ => options.EmailProvider == "smtp"
            ? new SmtpEmailChannel(new SmtpSender(smtp, options.EmailFrom))
            : new OutboxOnlyChannel(DeliveryKinds.Email));
        services.AddSingleton<IDeliveryChannel>(sp => options.SmsProvider == "twilio"
            ? new TwilioSmsChannel(sp.GetRequiredService<OutboundHttp>(), twilio)
            : new OutboxOnlyChannel(DeliveryKinds.Sms));
        services.AddSingleton<IDeliveryChannel>(sp => options.WhatsAppProvider == "cloudapi"
            ? new WhatsAppCloudChannel(sp.GetRequiredService<OutboundHttp>(), whatsapp)
            : new OutboxOnlyChannel(DeliveryKinds.WhatsApp));
        services.AddSingleton<IQueueFunction, DeliveriesFunction>();
        services.AddSingleton<ITimerFunction, DeliveryMaintenance>();
        return services;
    }
}
