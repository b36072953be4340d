using System.Globalization;
using System.Xml.Linq;
using Azure.Core;
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

    /// <summary>Names of queues starting with <paramref name="prefix"/>, following the service's markers.</summary>
    public virtual async Task<IReadOnlyList<string>> GetQueueNamesAsync(string? prefix = null, int max = 5000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var names = new List<string>();
        string? marker = null;
        do
        {
            using var message = _pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Get;
            var url = $"{_endpoint.ToString().TrimEnd('/')}/?comp=list&maxresults={Math.Min(max - names.Count, 5000).ToString(CultureInfo.InvariantCulture)}";
            if (!string.IsNullOrEmpty(prefix))
            {
                url += "&prefix=" + Uri.EscapeDataString(prefix);
            }

            if (marker is not null)
            {
                url += "&marker=" + Uri.EscapeDataString(marker);
            }

            message.Request.Uri.Reset(new Uri(url));
            message.Request.Headers.Add("x-ms-version", _version);
            await _pipeline.SendAsync(message, cancellationToken);
            if (message.Response.Status != 200)
            {
                throw StorageErrors.FromResponse(message.Response, "List queues");
            }

            var root = XDocument.Parse(message.Response.Content.ToString()).Root;
            names.AddRange(root?.Element("Queues")?.Elements("Queue").Select(q => q.Element("Name")?.Value ?? "") ?? []);
            marker = root?.Element("NextMarker")?.Value is { Length: > 0 } next ? next : null;
        }
        while (marker is not null && names.Count < max);

        return names;
    }
}
