using Azure.Core;

namespace Automation.Storage;

/// <summary>Pipeline options for the Table and Queue clients: retries for 408/429/5xx and network errors.</summary>
public sealed class StorageClientOptions : ClientOptions
{
    public StorageClientOptions()
    {
        Retry.MaxRetries = 4;
        Retry.Mode = RetryMode.Exponential;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(8);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        Diagnostics.IsLoggingContentEnabled = false;
        Diagnostics.ApplicationId = "Automation";
    }

    /// <summary>Table REST version; the one Azure.Data.Tables speaks.</summary>
    public string TableServiceVersion { get; set; } = "2019-02-02";

    /// <summary>Queue REST version; needs 2017-07-29 or later for never-expiring messages.</summary>
    public string QueueServiceVersion { get; set; } = "2021-12-02";
}
