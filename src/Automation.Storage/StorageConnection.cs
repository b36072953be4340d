using System.Data.Common;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Automation.Storage;

/// <summary>
/// Where the storage account is and how to authenticate, read the way Azure Functions users write it:
/// an <c>AzureWebJobsStorage</c> connection string, or identity-based <c>AzureWebJobsStorage__*</c> settings.
/// </summary>
public sealed class StorageConnection
{
    public const string DefaultSettingName = "AzureWebJobsStorage";
    public const string DevelopmentAccountName = "devstoreaccount1";
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public const int DevelopmentQueuePort = 10001;
    public const int DevelopmentTablePort = 10002;

    private StorageConnection(Uri tableEndpoint, Uri queueEndpoint, string accountName,
        StorageSharedKeyCredential? sharedKey, TokenCredential? tokenCredential, bool isDevelopmentStorage)
    {
        TableEndpoint = tableEndpoint;
        QueueEndpoint = queueEndpoint;
        AccountName = accountName;
        SharedKey = sharedKey;
        TokenCredential = tokenCredential;
        IsDevelopmentStorage = isDevelopmentStorage;
    }

    /// <summary>Table service endpoint without a trailing slash, e.g. <c>http://127.0.0.1:10002/devstoreaccount1</c>.</summary>
    public Uri TableEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public string AccountName { get; }

    public StorageSharedKeyCredential? SharedKey { get; }

    public TokenCredential? TokenCredential { get; }

    /// <summary>True for <c>UseDevelopmentStorage=true</c>: Azurite on its default loopback ports.</summary>
    public bool IsDevelopmentStorage { get; }

    public static StorageConnection ForSharedKey(Uri tableEndpoint, Uri queueEndpoint, string accountName, string accountKey) =>
        new(Trim(tableEndpoint), Trim(queueEndpoint), accountName, new StorageSharedKeyCredential(accountName, accountKey), null, false);

    public static StorageConnection ForTokenCredential(Uri tableEndpoint, Uri queueEndpoint, TokenCredential credential) =>
        new(Trim(tableEndpoint), Trim(queueEndpoint), AccountFromHost(tableEndpoint), null, credential, false);

    /// <summary>Azurite with the well-known development account on the given loopback ports.</summary>
    /// <summary>
    /// <see cref="ForAzurite"/> as a connection string: what a process started with Azurite's ports is given as
    /// <c>AzureWebJobsStorage</c>.
    /// </summary>
    public static string AzuriteConnectionString(int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccountName};AccountKey={DevelopmentAccountKey};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{DevelopmentAccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{DevelopmentAccountName};";

    public static StorageConnection ForAzurite(int queuePort, int tablePort, bool isDefaultDevelopmentStorage = false) =>
        new(new Uri($"http://127.0.0.1:{tablePort}/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:{queuePort}/{DevelopmentAccountName}"),
            DevelopmentAccountName,
            new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey),
            null,
            isDefaultDevelopmentStorage);

    /// <summary>
    /// Reads <paramref name="settingName"/> (a connection string) or, when it is absent, its identity-based
    /// sub-settings (<c>__accountName</c>, <c>__tableServiceUri</c>, <c>__queueServiceUri</c>, <c>__credential</c>,
    /// <c>__clientId</c>). Throws <see cref="StorageConfigurationException"/> naming the setting and the fix.
    /// </summary>
    public static StorageConnection FromConfiguration(IConfiguration configuration, string settingName = DefaultSettingName,
        string? defaultConnectionString = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[settingName];
        if (!string.IsNullOrWhiteSpace(value))
        {
            return Parse(value, settingName);
        }

        var section = configuration.GetSection(settingName);
        if (section.GetChildren().Any())
        {
            return FromIdentitySettings(section, settingName);
        }

        if (defaultConnectionString is not null)
        {
            return Parse(defaultConnectionString, settingName);
        }

        throw new StorageConfigurationException(settingName,
            $"The setting '{settingName}' is missing. Set it to 'UseDevelopmentStorage=true' for local Azurite, to a storage " +
            $"account connection string, or use identity-based settings '{settingName}__tableServiceUri' and '{settingName}__queueServiceUri'.");
    }

    /// <summary>Parses an Azure Storage connection string.</summary>
    public static StorageConnection Parse(string connectionString, string settingName = DefaultSettingName)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (string name in builder.Keys)
            {
                parts[name] = Convert.ToString(builder[name], System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }
        }
        catch (ArgumentException e)
        {
            throw Malformed(settingName, $"it is not a list of key=value pairs ({e.Message})");
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var isDev) && isDev)
        {
            var proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out var p) ? new Uri(p) : null;
            if (proxy is null)
            {
                return ForAzurite(DevelopmentQueuePort, DevelopmentTablePort, isDefaultDevelopmentStorage: true);
            }

            var host = proxy.GetLeftPart(UriPartial.Authority).Replace(":" + proxy.Port, "", StringComparison.Ordinal);
            return ForSharedKey(new Uri($"{host}:{DevelopmentTablePort}/{DevelopmentAccountName}"),
                new Uri($"{host}:{DevelopmentQueuePort}/{DevelopmentAccountName}"), DevelopmentAccountName, DevelopmentAccountKey);
        }

        if (!parts.TryGetValue("AccountName", out var account) || account.Length == 0)
        {
            throw Malformed(settingName, "AccountName is missing");
        }

        if (!parts.TryGetValue("AccountKey", out var key) || key.Length == 0)
        {
            throw Malformed(settingName, "AccountKey is missing (SAS connection strings are not supported; use a key or managed identity)");
        }

        try
        {
            _ = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw Malformed(settingName, "AccountKey is not valid base64");
        }

        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
        var suffix = parts.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        var table = Endpoint(parts, "TableEndpoint", settingName) ?? new Uri($"{protocol}://{account}.table.{suffix}");
        var queue = Endpoint(parts, "QueueEndpoint", settingName) ?? new Uri($"{protocol}://{account}.queue.{suffix}");
        return ForSharedKey(table, queue, account, key);
    }

    private static StorageConnection FromIdentitySettings(IConfigurationSection section, string settingName)
    {
        var accountName = section["accountName"];
        var tableUri = section["tableServiceUri"];
        var queueUri = section["queueServiceUri"];
        if (string.IsNullOrEmpty(tableUri) && string.IsNullOrEmpty(accountName))
        {
            throw new StorageConfigurationException(settingName,
                $"'{settingName}__tableServiceUri' (or '{settingName}__accountName') is missing: identity-based storage needs " +
                $"the table and queue service URIs, e.g. https://<account>.table.core.windows.net.");
        }

        if (string.IsNullOrEmpty(queueUri) && string.IsNullOrEmpty(accountName))
        {
            throw new StorageConfigurationException(settingName,
                $"'{settingName}__queueServiceUri' (or '{settingName}__accountName') is missing: identity-based storage needs " +
                $"the table and queue service URIs, e.g. https://<account>.queue.core.windows.net.");
        }

        var table = ParseUri(tableUri ?? $"https://{accountName}.table.core.windows.net", $"{settingName}__tableServiceUri");
        var queue = ParseUri(queueUri ?? $"https://{accountName}.queue.core.windows.net", $"{settingName}__queueServiceUri");
        var clientId = section["clientId"];
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return ForTokenCredential(table, queue, credential);
    }

    private static Uri? Endpoint(Dictionary<string, string> parts, string name, string settingName) =>
        parts.TryGetValue(name, out var value) && value.Length > 0 ? ParseUri(value, $"{settingName} ({name})") : null;

    private static Uri ParseUri(string value, string settingName) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new StorageConfigurationException(settingName, $"'{settingName}' is not an absolute http(s) URI: '{value}'.");

    private static StorageConfigurationException Malformed(string settingName, string why) =>
        new(settingName,
            $"The connection string in '{settingName}' is malformed: {why}. Use 'UseDevelopmentStorage=true' for local Azurite, " +
            "'DefaultEndpointsProtocol=https;AccountName=<name>;AccountKey=<key>;EndpointSuffix=core.windows.net' for an account, " +
            $"or identity-based settings '{settingName}__tableServiceUri' and '{settingName}__queueServiceUri'.");

    private static Uri Trim(Uri uri) => new(uri.ToString().TrimEnd('/'));

    private static string AccountFromHost(Uri uri)
    {
        var host = uri.Host;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? host[..dot] : host;
    }
}

/// <summary>A storage setting that cannot be used; the message names the setting and the fix.</summary>
public sealed class StorageConfigurationException(string settingName, string message) : Exception(message)
{
    public string SettingName { get; } = settingName;
}
