namespace Automation.Functions.Hosting;

/// <summary>What a deployment to Azure (<c>infra/</c>) must do about a setting.</summary>
public enum SettingKind
{
    /// <summary>The app has a default (or the feature is off without it); a deployment may set it.</summary>
    Default,

    /// <summary>The app in Azure needs it: <c>infra/</c> must set it.</summary>
    Required,

    /// <summary>The platform (the Functions host, App Service) gives it to the handler; <c>infra/</c> must not set it.</summary>
    SetByHost,

    /// <summary>Read by the Functions host, not by the app; <c>infra/</c> may set it.</summary>
    ReadByHost,

    /// <summary>Only standalone mode reads it; <c>infra/</c> must not set it.</summary>
    StandaloneOnly,
}

/// <summary>One setting: its key in <c>:</c> form (<c>Automation:DemoData</c>; <c>Automation__DemoData</c> in the environment).</summary>
public sealed record AppSetting(string Key, SettingKind Kind, string Default);

/// <summary>
/// Every setting the app reads, and what a deployment must do about it. Nothing reads this list at run time: it is the
/// catalogue tests/Automation.Deployment.Tests holds both sides to. A setting read in src/ must be listed here, a
/// listed setting must be read, a <see cref="SettingKind.Required"/> one must be set by infra/, and everything infra/
/// sets must be listed (README "Adding a setting").
/// </summary>
public static class AppSettings
{
    public static IReadOnlyList<AppSetting> All { get; } =
    [
        new("AzureWebJobsStorage", SettingKind.Default, "standalone: UseDevelopmentStorage=true; Azure: the identity-based settings below"),
        new("AzureWebJobsStorage:accountName", SettingKind.Required, "— (Azure: the storage account; the service URIs derive from it)"),
        new("AzureWebJobsStorage:tableServiceUri", SettingKind.Default, "https://<accountName>.table.core.windows.net"),
        new("AzureWebJobsStorage:queueServiceUri", SettingKind.Default, "https://<accountName>.queue.core.windows.net"),
        new("AzureWebJobsStorage:credential", SettingKind.Required, "DefaultAzureCredential (Azure: managedidentity)"),
        new("AzureWebJobsStorage:clientId", SettingKind.Required, "— (Azure: the user-assigned identity's client id)"),
        new(HostingModes.CustomHandlerPortSetting, SettingKind.SetByHost, "— (its presence selects Functions mode)"),
        new("urls", SettingKind.SetByHost, "http://127.0.0.1:7071 (Functions mode: host.json passes --urls with the host's port)"),
        new("WEBSITE_HOSTNAME", SettingKind.SetByHost, "— (Azure: the app's host name, used in the webhook URLs shown to admins)"),
        new(HostingExtensions.AppRootSetting, SettingKind.Default, "the executable's folder"),
        new(HostingExtensions.AzuriteLocationSetting, SettingKind.StandaloneOnly, ".azurite in the repository root"),
        new("Automation:BootstrapAdminKey", SettingKind.Required, "— (Azure: a Key Vault reference)"),
        new("Automation:DemoData", SettingKind.Default, "true in the standalone Development run, else false"),
        new("Automation:PendingEventAge", SettingKind.Default, "00:01:00"),
        new("Automation:MaxChainDepth", SettingKind.Default, "16"),
        new("Automation:Webhooks:MaxBodyBytes", SettingKind.Default, "262144"),
        new("Automation:Webhooks:MaxJsonDepth", SettingKind.Default, "64"),
        new("Automation:Webhooks:SignatureTolerance", SettingKind.Default, "00:05:00"),
        new("Automation:Webhooks:TrustedProxyHops", SettingKind.Default, "Functions mode 1, standalone 0"),
        new("Automation:Webhooks:PublicBaseUrl", SettingKind.Default, "from the request"),
        new("Automation:Webhooks:DirectoryRefresh", SettingKind.Default, "00:00:01"),
        new("Automation:Webhooks:DefaultRateLimitPerMinute", SettingKind.Default, "0 (no limit)"),
        new("Automation:Webhooks:LogRetention", SettingKind.Default, "30.00:00:00"),
        new("TimeRulesSchedule", SettingKind.Default, "0 * * * * * (every minute; infra/ sets it, as the TimeRules function.json refers to it)"),
        new("Automation:TimeRules:Budget", SettingKind.Default, "00:04:00"),
        new("Automation:TimeRules:Lease", SettingKind.Default, "00:01:00"),
        new("Automation:TimeRules:RunLease", SettingKind.Default, "00:02:00"),
        new("Automation:TimeRules:Parallelism", SettingKind.Default, "4"),
        new("Automation:Retention:Period", SettingKind.Default, "30.00:00:00"),
        new("Automation:Retention:MaxDeletesPerRun", SettingKind.Default, "200000"),
        new("Automation:Deliveries:RetrySchedule", SettingKind.Default, "0s,5s,5m,30m,2h,5h,10h,10h (Standard Webhooks)"),
        new("Automation:Deliveries:HttpTimeout", SettingKind.Default, "00:00:10"),
        new("Automation:Deliveries:MaxResponseBytes", SettingKind.Default, "65536"),
        new("Automation:Deliveries:AllowedNetworks", SettingKind.Default, "— (no private, loopback, link-local, CGNAT or multicast address)"),
        new("Automation:Deliveries:Retention", SettingKind.Default, "30.00:00:00"),
        new("Automation:Deliveries:SweepAfter", SettingKind.Default, "00:05:00"),
        new("Automation:Deliveries:EmailProvider", SettingKind.Default, "smtp when Smtp:Host is set, else outbox"),
        new("Automation:Deliveries:SmsProvider", SettingKind.Default, "twilio when Twilio:AccountSid is set, else outbox"),
        new("Automation:Deliveries:WhatsAppProvider", SettingKind.Default, "cloudapi when WhatsApp:PhoneNumberId is set, else outbox"),
        new("Automation:Deliveries:EmailFrom", SettingKind.Default, "automation@localhost"),
        new("Automation:Deliveries:Smtp:Host", SettingKind.Default, "— (email kept in the outbox)"),
        new("Automation:Deliveries:Smtp:Port", SettingKind.Default, "587"),
        new("Automation:Deliveries:Smtp:Security", SettingKind.Default, "starttls"),
        new("Automation:Deliveries:Smtp:Username", SettingKind.Default, "— (no AUTH)"),
        new("Automation:Deliveries:Smtp:Password", SettingKind.Default, "—"),
        new("Automation:Deliveries:Smtp:TrustedCertificate", SettingKind.Default, "— (the certificate chain must validate)"),
        new("Automation:Deliveries:Smtp:Timeout", SettingKind.Default, "00:00:30"),
        new("Automation:Deliveries:Twilio:AccountSid", SettingKind.Default, "— (SMS kept in the outbox)"),
        new("Automation:Deliveries:Twilio:AuthToken", SettingKind.Default, "—"),
        new("Automation:Deliveries:Twilio:From", SettingKind.Default, "—"),
        new("Automation:Deliveries:Twilio:BaseUrl", SettingKind.Default, "https://api.twilio.com/"),
        new("Automation:Deliveries:WhatsApp:PhoneNumberId", SettingKind.Default, "— (WhatsApp kept in the outbox)"),
        new("Automation:Deliveries:WhatsApp:AccessToken", SettingKind.Default, "—"),
        new("Automation:Deliveries:WhatsApp:BaseUrl", SettingKind.Default, "https://graph.facebook.com/v21.0/"),
        new("Automation:Ai:Endpoint", SettingKind.Default, "— (Update with AI is refused at save time)"),
        new("Automation:Ai:ApiKey", SettingKind.Default, "—"),
        new("Automation:Ai:Model", SettingKind.Default, "gpt-4.1"),
        new("Automation:Ai:Timeout", SettingKind.Default, "00:00:30"),
        new("Automation:Telemetry:OtlpEndpoint", SettingKind.Default, "— (traces, counters and logs are not exported)"),
        new("Automation:Telemetry:OtlpProtocol", SettingKind.Default, "grpc"),
        new("Automation:Logging:Format", SettingKind.Default, "simple"),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", SettingKind.ReadByHost, "— (no telemetry)"),
        new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", SettingKind.ReadByHost, "— (instrumentation key auth)"),
    ];
}
