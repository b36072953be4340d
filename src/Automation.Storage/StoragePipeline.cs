using Azure.Core;
using Azure.Core.Pipeline;

namespace Automation.Storage;

internal static class StoragePipeline
{
    private const string StorageScope = "https://storage.azure.com/.default";

    /// <summary>Azure.Core pipeline: retry, diagnostics, then authentication as the last per-retry step.</summary>
    public static HttpPipeline Build(StorageConnection connection, StorageClientOptions options, SharedKeyScheme scheme)
    {
        HttpPipelinePolicy auth = connection.SharedKey is { } key
            ? new SharedKeyAuthenticationPolicy(key, scheme)
            : new BearerTokenAuthenticationPolicy(
                connection.TokenCredential ?? throw new InvalidOperationException("The storage connection has no credential."),
                StorageScope);
        return HttpPipelineBuilder.Build(options, [], [auth], new StorageResponseClassifier());
    }

    /// <summary>Retries what the storage services document as transient; 409/412 are outcomes, not retries.</summary>
    private sealed class StorageResponseClassifier : ResponseClassifier
    {
        public override bool IsRetriableResponse(HttpMessage message) =>
            message.Response.Status is 408 or 429 or 500 or 502 or 503 or 504;
    }
}
