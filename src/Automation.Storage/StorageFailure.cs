using Azure;

namespace Automation.Storage;

/// <summary>Recognises a failure of the storage service or the way to it, as opposed to a bug in the caller.</summary>
public static class StorageFailure
{
    /// <summary>
    /// True for service errors and transport failures, including Azure.Core's <see cref="AggregateException"/> thrown
    /// when every retry failed.
    /// </summary>
    public static bool IsStorageFailure(Exception exception) => exception switch
    {
        RequestFailedException or HttpRequestException or IOException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsStorageFailure),
        _ => false,
    };

    /// <summary>The most specific message: the last attempt's, when retries were exhausted.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        RequestFailedException { Status: 0, InnerException: { } inner } => inner.Message,
        _ => exception.Message,
    };
}
