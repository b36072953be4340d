using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Automation.Testing;

/// <summary>
/// Counts and times the storage requests a client sends (every attempt, retries included), by kind, so the output can
/// say what an operation (an API create, a listing, a rule's event) costs in storage requests and how long each kind
/// took. Read as the difference of two snapshots. Costs two timestamps and two interlocked adds per request. Shared by
/// the tests and the benches (linked into them).
/// </summary>
public sealed class RequestCounter(int tablePort) : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, long[]> _totals = new(StringComparer.Ordinal);
    private long _reads;
    private long _writes;

    /// <summary>Requests that read (GET), of any kind, since the start.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Requests that write (everything but GET), of any kind, since the start.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Client options with this counter in the pipeline (once per attempt, retries included).</summary>
    public Automation.Storage.StorageClientOptions Options()
    {
        var options = new Automation.Storage.StorageClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = Stopwatch.GetTimestamp();
        ProcessNext(message, pipeline);
        Record(message, start);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = Stopwatch.GetTimestamp();
        await ProcessNextAsync(message, pipeline);
        Record(message, start);
    }

    public IReadOnlyDictionary<string, RequestTotal> Snapshot() =>
        _totals.ToDictionary(p => p.Key, p => new RequestTotal(Interlocked.Read(ref p.Value[0]), Interlocked.Read(ref p.Value[1])), StringComparer.Ordinal);

    public static Dictionary<string, RequestTotal> Difference(IReadOnlyDictionary<string, RequestTotal> after, IReadOnlyDictionary<string, RequestTotal> before) =>
        after.Select(p => (p.Key, Total: p.Value - before.GetValueOrDefault(p.Key)))
            .Where(p => p.Total.Count > 0)
            .ToDictionary(p => p.Key, p => p.Total, StringComparer.Ordinal);

    private void Record(HttpMessage message, long start)
    {
        var elapsed = Stopwatch.GetTimestamp() - start;
        var request = message.Request;
        Interlocked.Increment(ref request.Method == RequestMethod.Get ? ref _reads : ref _writes);
        var kind = Kind(request.Method.Method, request.Uri.Path, request.Uri.Port == tablePort);
        if (message.HasResponse && message.Response.Status is 409 or 412)
        {
            kind += $" ({message.Response.Status})";
        }

        var total = _totals.GetOrAdd(kind, _ => new long[2]);
        Interlocked.Increment(ref total[0]);
        Interlocked.Add(ref total[1], elapsed);
    }

    private static string Kind(string method, string path, bool table)
    {
        if (!table)
        {
            return method == "POST" && path.EndsWith("/messages", StringComparison.Ordinal) ? "queue send" : $"queue {method}";
        }

        return method switch
        {
            "POST" when path.EndsWith("/$batch", StringComparison.Ordinal) => "table transaction",
            "POST" => "table insert",
            "GET" when path.Contains("(PartitionKey=", StringComparison.Ordinal) => "table point read",
            "GET" => "table query",
            "PUT" or "MERGE" or "PATCH" => "table update",
            "DELETE" => "table delete",
            _ => $"table {method}",
        };
    }
}

/// <summary>How many requests of a kind, and their summed duration in <see cref="Stopwatch"/> ticks.</summary>
public readonly record struct RequestTotal(long Count, long Ticks)
{
    public double MeanMilliseconds => Count == 0 ? 0 : Ticks * 1000.0 / Stopwatch.Frequency / Count;

    public static RequestTotal operator -(RequestTotal a, RequestTotal b) => new(a.Count - b.Count, a.Ticks - b.Ticks);

    public static RequestTotal operator +(RequestTotal a, RequestTotal b) => new(a.Count + b.Count, a.Ticks + b.Ticks);
}
