using Automation.Storage.Records;

namespace Automation.Functions.Records;

/// <summary>On shutdown, sends the change events still in memory before the process exits (the sweeper would otherwise).</summary>
public sealed class EventPublisherShutdown(EventPublisher publisher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await publisher.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time: what is left is pending in storage and the sweeper sends it.
        }
    }
}
