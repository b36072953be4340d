using System.Net.Sockets;
using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Storage.Queues;
using Automation.Storage.Tables;
using Azure;
using Microsoft.Extensions.Logging;

namespace Automation.Functions.Hosting;

/// <summary>Tables and queues the app needs before it serves anything; components add theirs at registration.</summary>
public sealed class StorageResources
{
    public HashSet<string> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Queues { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Gets storage ready before the app serves: in standalone mode with the development storage and nothing listening
/// on Azurite's ports, starts the pinned Azurite itself (data in <c>.azurite/</c>, stopped on exit); then creates
/// the app's tables and queues. Every failure becomes a <see cref="StartupException"/> naming the setting and the fix.
/// </summary>
public sealed class StorageStartup(
    StorageConnection connection,
    HostingMode mode,
    StorageResources resources,
    TableServiceClient tables,
    QueueServiceClient queues,
    string azuriteLocation,
    ILogger<StorageStartup> logger) : IAsyncDisposable
{
    public static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(20);

    private AzuriteProcess? _azurite;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (mode == HostingMode.Standalone && connection.IsDevelopmentStorage)
        {
            await EnsureAzuriteAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReachTimeout);
        try
        {
            // Always talk to both services once, so a wrong endpoint or key fails here and not on the first request.
            await tables.GetTableNamesAsync(1, timeout.Token);
            await queues.GetQueueNamesAsync(max: 1, cancellationToken: timeout.Token);
            await Task.WhenAll(
                resources.Tables.Select(t => tables.GetTableClient(t).CreateIfNotExistsAsync(timeout.Token))
                    .Concat(resources.Queues.Select(q => queues.GetQueueClient(q).CreateIfNotExistsAsync(timeout.Token))));
        }
        catch (Exception e) when ((StorageFailure.IsStorageFailure(e) || e is OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            var why = e switch
            {
                RequestFailedException { Status: 403 } => "it refused our credentials (403): check the account key or the identity's role assignments",
                RequestFailedException r => $"it answered {r.Status} {r.ErrorCode}",
                OperationCanceledException => $"it did not answer within {ReachTimeout.TotalSeconds:0} s",
                _ => StorageFailure.Describe(e),
            };
            throw new StartupException(
                $"Storage is unreachable: {connection.TableEndpoint} / {connection.QueueEndpoint} (setting '{StorageConnection.DefaultSettingName}'): {why}. " +
                (connection.IsDevelopmentStorage
                    ? "Start Azurite, or let standalone mode start it by freeing ports 10001 and 10002."
                    : "Check the connection string or the identity-based settings, and that the account is reachable from here."), e);
        }
    }

    private async Task EnsureAzuriteAsync(CancellationToken cancellationToken)
    {
        var queueOpen = await IsListeningAsync(StorageConnection.DevelopmentQueuePort, cancellationToken);
        var tableOpen = await IsListeningAsync(StorageConnection.DevelopmentTablePort, cancellationToken);
        if (queueOpen && tableOpen)
        {
            logger.LogInformation("Using the Azurite already listening on ports {QueuePort} and {TablePort}",
                StorageConnection.DevelopmentQueuePort, StorageConnection.DevelopmentTablePort);
            return;
        }

        if (queueOpen || tableOpen)
        {
            throw new StartupException(
                $"Port {(queueOpen ? StorageConnection.DevelopmentTablePort : StorageConnection.DevelopmentQueuePort)} is free but " +
                $"{(queueOpen ? StorageConnection.DevelopmentQueuePort : StorageConnection.DevelopmentTablePort)} is taken: something other than " +
                $"a complete Azurite holds the development storage ports. Stop it, or set '{StorageConnection.DefaultSettingName}' to another account.");
        }

        try
        {
            _azurite = await AzuriteProcess.StartAsync(new AzuriteOptions
            {
                Location = azuriteLocation,
                QueuePort = StorageConnection.DevelopmentQueuePort,
                TablePort = StorageConnection.DevelopmentTablePort,
                BlobPort = 10000,
            }, cancellationToken);
            logger.LogInformation("Started Azurite (pid {Pid}) with its data in {Location}", _azurite.ProcessId, azuriteLocation);
        }
        catch (AzuriteUnavailableException e)
        {
            throw new StartupException(
                $"'{StorageConnection.DefaultSettingName}' is the development storage (UseDevelopmentStorage=true) and nothing listens on " +
                $"ports 10001/10002, so the app tried to start Azurite: {e.Message}", e);
        }
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            logger.LogInformation("Stopping Azurite (pid {Pid})", _azurite.ProcessId);
            await _azurite.DisposeAsync();
            _azurite = null;
        }
    }
}
