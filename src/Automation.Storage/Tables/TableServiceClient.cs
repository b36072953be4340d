using Azure.Core.Pipeline;

namespace Automation.Storage.Tables;

/// <summary>The account's Table service: hands out <see cref="TableClient"/>s sharing one pipeline.</summary>
public class TableServiceClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _version;

    public TableServiceClient(StorageConnection connection, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new StorageClientOptions();
        _pipeline = StoragePipeline.Build(connection, options, SharedKeyScheme.Table);
        _endpoint = connection.TableEndpoint;
        _version = options.TableServiceVersion;
    }

    public Uri Endpoint => _endpoint;

    public virtual TableClient GetTableClient(string tableName) => new(_pipeline, _endpoint, tableName, _version);
}
