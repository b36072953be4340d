using Azure.Core;
using Azure.Core.Pipeline;

namespace Automation.Testing;

/// <summary>A pipeline policy that counts the storage requests a client sends, reads (GET) and writes apart.</summary>
public sealed class RequestCounter : HttpPipelinePolicy
{
    private int _reads;
    private int _writes;

    public int Reads => Volatile.Read(ref _reads);

    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Client options with this counter in the pipeline.</summary>
    public Storage.StorageClientOptions Options()
    {
        var options = new Storage.StorageClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        return options;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Count(HttpMessage message) => Interlocked.Increment(ref message.Request.Method == RequestMethod.Get ? ref _reads : ref _writes);
}
