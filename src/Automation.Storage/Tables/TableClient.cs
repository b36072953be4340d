using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Automation.Storage.Tables;

/// <summary>
/// One table over the Table REST API, shaped like Azure.Data.Tables' <c>TableClient</c>. Errors are
/// <see cref="RequestFailedException"/> carrying the service error code (e.g. <c>UpdateConditionNotSatisfied</c>).
/// </summary>
public class TableClient
{
    private const string JsonMinimal = "application/json;odata=minimalmetadata";
    private readonly HttpPipeline _pipeline;
    private readonly string _endpoint;
    private readonly string _version;

    internal TableClient(HttpPipeline pipeline, Uri endpoint, string tableName, string version)
    {
        TableKeys.ValidateTableName(tableName);
        _pipeline = pipeline;
        _endpoint = endpoint.ToString().TrimEnd('/');
        _version = version;
        Name = tableName;
    }

    /// <summary>For test doubles.</summary>
    protected TableClient()
    {
        _pipeline = null!;
        _endpoint = "";
        _version = "";
        Name = "";
    }

    public string Name { get; }

    /// <summary>Creates the table; an existing table is success.</summary>
    public virtual async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, _endpoint + "/Tables");
        message.Request.Headers.Add("Prefer", "return-no-content");
        SetJson(message.Request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status is not (201 or 204) && ErrorCode(message.Response) != "TableAlreadyExists")
        {
            throw StorageErrors.FromResponse(message.Response, $"Create table '{Name}'");
        }
    }

    public virtual async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, $"{_endpoint}/Tables('{Name}')");
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status is not (204 or 404))
        {
            throw StorageErrors.FromResponse(message.Response, $"Delete table '{Name}'");
        }
    }

    /// <summary>Inserts a new entity; 409 <c>EntityAlreadyExists</c> when it exists. Returns the new ETag.</summary>
    public virtual async Task<ETag> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var body = TableEntityJson.Serialize(entity);
        using var message = CreateMessage(RequestMethod.Post, $"{_endpoint}/{Name}");
        message.Request.Headers.Add("Prefer", "return-no-content");
        SetJson(message.Request, body);
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Add entity", entity);
        entity.ETag = ReadETag(message.Response);
        return entity.ETag;
    }

    /// <summary>Point read; 404 <c>ResourceNotFound</c> when missing.</summary>
    public virtual async Task<TableEntity> GetEntityAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        await GetEntityIfExistsAsync(partitionKey, rowKey, cancellationToken)
        ?? throw new RequestFailedException(404, $"Entity ({partitionKey}, {rowKey}) was not found in table '{Name}'.", "ResourceNotFound", null);

    /// <summary>Point read; null when missing.</summary>
    public virtual async Task<TableEntity?> GetEntityIfExistsAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, rowKey);
        using var message = CreateMessage(RequestMethod.Get, EntityUrl(partitionKey, rowKey));
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status == 404)
        {
            return null;
        }

        EnsureSuccess(message.Response, "Get entity", null);
        using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
        return TableEntityJson.Read(doc.RootElement, ReadETag(message.Response));
    }

    /// <summary>Insert-or-merge / insert-or-replace, no concurrency check. Returns the new ETag.</summary>
    public virtual Task<ETag> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge,
        CancellationToken cancellationToken = default) =>
        WriteAsync(entity, mode, ifMatch: null, "Upsert entity", cancellationToken);

    /// <summary>Update guarded by <paramref name="ifMatch"/> (<see cref="ETag.All"/> for any version); 412 on a stale ETag.</summary>
    public virtual Task<ETag> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge,
        CancellationToken cancellationToken = default) =>
        WriteAsync(entity, mode, ifMatch == default ? ETag.All : ifMatch, "Update entity", cancellationToken);

    /// <summary>Deletes the entity if <paramref name="ifMatch"/> matches (default: any version). Returns false when it did not exist.</summary>
    public virtual async Task<bool> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default,
        CancellationToken cancellationToken = default)
    {
        TableKeys.Validate(partitionKey, rowKey);
        using var message = CreateMessage(RequestMethod.Delete, EntityUrl(partitionKey, rowKey));
        message.Request.Headers.Add("If-Match", (ifMatch == default ? ETag.All : ifMatch).ToString());
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status == 404)
        {
            return false;
        }

        EnsureSuccess(message.Response, "Delete entity", null);
        return true;
    }

    /// <summary>
    /// Query with an OData <c>$filter</c> (null = all), following continuation headers page by page.
    /// <paramref name="maxPerPage"/> is <c>$top</c> (≤ 1,000).
    /// </summary>
    public virtual AsyncPageable<TableEntity> QueryAsync(string? filter = null, int? maxPerPage = null,
        IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        if (maxPerPage is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerPage), maxPerPage, "A query page holds 1 to 1,000 entities.");
        }

        var selectList = select is null ? null : string.Join(",", select.Concat(["PartitionKey", "RowKey"]).Distinct());
        return new TableQueryPageable(this, filter, maxPerPage, selectList, cancellationToken);
    }

    /// <summary>
    /// Entity-group transaction: all operations or none. Refuses, before sending, more than 100 operations, more than
    /// one partition (Azurite does not check this; the service does) and the same entity twice.
    /// </summary>
    public virtual async Task<IReadOnlyList<ETag>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        TableTransaction.Validate(actions);
        var (contentType, body) = TableTransaction.BuildBody(actions, $"{_endpoint}/{Name}", EntityPath);
        using var message = CreateMessage(RequestMethod.Post, _endpoint + "/$batch");
        message.Request.Headers.Add("Content-Type", contentType);
        message.Request.Content = RequestContent.Create(body);
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Submit transaction", null);
        var etags = TableTransaction.ParseResponse(message.Response);
        for (var i = 0; i < actions.Count && i < etags.Count; i++)
        {
            actions[i].Entity.ETag = etags[i];
        }

        return etags;
    }

    private async Task<ETag> WriteAsync(TableEntity entity, TableUpdateMode mode, ETag? ifMatch, string operation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var body = TableEntityJson.Serialize(entity);
        using var message = CreateMessage(mode == TableUpdateMode.Merge ? new RequestMethod("MERGE") : RequestMethod.Put,
            EntityUrl(entity.PartitionKey, entity.RowKey));
        if (ifMatch is { } etag)
        {
            message.Request.Headers.Add("If-Match", etag.ToString());
        }

        SetJson(message.Request, body);
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, operation, entity);
        entity.ETag = ReadETag(message.Response);
        return entity.ETag;
    }

    internal async Task<Page<TableEntity>> QueryPageAsync(string? filter, int? top, string? select, string? continuation,
        CancellationToken cancellationToken)
    {
        var url = new StringBuilder(_endpoint).Append('/').Append(Name).Append("()");
        var separator = '?';
        void Add(string name, string? value)
        {
            if (value is null)
            {
                return;
            }

            url.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        Add("$filter", filter);
        Add("$select", select);
        Add("$top", top?.ToString(CultureInfo.InvariantCulture));
        if (continuation is not null)
        {
            var parts = continuation.Split('\n');
            Add("NextPartitionKey", parts[0]);
            Add("NextRowKey", parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null);
        }

        using var message = CreateMessage(RequestMethod.Get, url.ToString());
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, $"Query table '{Name}'", null);
        var entities = new List<TableEntity>();
        using (var doc = JsonDocument.Parse(message.Response.Content.ToMemory()))
        {
            if (doc.RootElement.TryGetProperty("value", out var value))
            {
                foreach (var item in value.EnumerateArray())
                {
                    entities.Add(TableEntityJson.Read(item));
                }
            }
        }

        string? next = null;
        if (message.Response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPk))
        {
            next = nextPk + "\n" + (message.Response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRk) ? nextRk : "");
        }

        return Page<TableEntity>.FromValues(entities, next, message.Response);
    }

    private HttpMessage CreateMessage(RequestMethod method, string url)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(new Uri(url));
        request.Headers.Add("x-ms-version", _version);
        request.Headers.Add("DataServiceVersion", "3.0");
        request.Headers.Add("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.Add("Accept", JsonMinimal);
        return message;
    }

    private static void SetJson(Request request, byte[] body)
    {
        request.Headers.Add("Content-Type", "application/json");
        request.Content = RequestContent.Create(body);
    }

    private string EntityUrl(string partitionKey, string rowKey) => $"{_endpoint}/{EntityPath(partitionKey, rowKey)}";

    private string EntityPath(string partitionKey, string rowKey) =>
        $"{Name}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static ETag ReadETag(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) ? new ETag(etag) : default;

    private static string? ErrorCode(Response response) => StorageErrors.Parse(response).Code;

    private void EnsureSuccess(Response response, string operation, TableEntity? entity)
    {
        if (response.Status is >= 200 and < 300)
        {
            return;
        }

        var target = entity is null ? $"table '{Name}'" : $"({entity.PartitionKey}, {entity.RowKey}) in table '{Name}'";
        throw StorageErrors.FromResponse(response, $"{operation} {target}");
    }

    private sealed class TableQueryPageable(TableClient client, string? filter, int? top, string? select, CancellationToken cancellationToken)
        : AsyncPageable<TableEntity>(cancellationToken)
    {
        public override async IAsyncEnumerable<Page<TableEntity>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            do
            {
                var page = await client.QueryPageAsync(filter, pageSizeHint ?? top, select, continuationToken, CancellationToken);
                yield return page;
                continuationToken = page.ContinuationToken;
            }
            while (continuationToken is not null);
        }
    }
}
