using System.Globalization;
using System.Text.Json;
using Azure.Core;
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

    /// <summary>Names of up to <paramref name="max"/> (≤ 1,000) tables; also a cheap check that the service answers us.</summary>
    public virtual async Task<IReadOnlyList<string>> GetTableNamesAsync(int max = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 1000);
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri($"{_endpoint.ToString().TrimEnd('/')}/Tables?$top={max.ToString(CultureInfo.InvariantCulture)}"));
        message.Request.Headers.Add("x-ms-version", _version);
        message.Request.Headers.Add("DataServiceVersion", "3.0");
        message.Request.Headers.Add("Accept", "application/json;odata=nometadata");
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status != 200)
        {
            throw StorageErrors.FromResponse(message.Response, "List tables");
        }

        using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
        return doc.RootElement.GetProperty("value").EnumerateArray().Select(t => t.GetProperty("TableName").GetString()!).ToList();
    }
}
