using Azure.Core.Pipeline;

namespace Automation.Storage.Queues;

/// <summary>The account's Queue service: hands out <see cref="QueueClient"/>s sharing one pipeline.</summary>
public class QueueServiceClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _version;

    public QueueServiceClient(StorageConnection connection, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new StorageClientOptions();
        _pipeline = StoragePipeline.Build(connection, options, SharedKeyScheme.Queue);
        _endpoint = connection.QueueEndpoint;
        _version = options.QueueServiceVersion;
    }

    public Uri Endpoint => _endpoint;

    public virtual QueueClient GetQueueClient(string queueName) => new(_pipeline, _endpoint, queueName, _version);
}
