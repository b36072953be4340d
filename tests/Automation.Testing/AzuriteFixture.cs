using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Storage.Queues;
using Automation.Storage.Tables;

namespace Automation.Testing;

/// <summary>
/// A real Azurite of the test run's own: free loopback ports, a throw-away data folder, stopped (SIGTERM, then
/// SIGKILL) when the tests are done. Each test assembly shares one through a collection definition of its own
/// (xUnit only discovers those in the test assembly).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private int _counter;

    public StorageConnection Connection => (_azurite ?? throw new InvalidOperationException("Azurite is not started.")).Connection;

    public int QueuePort => _azurite!.QueuePort;

    public int TablePort => _azurite!.TablePort;

    /// <summary>The connection string a child process (the app under test) is given.</summary>
    public string ConnectionString => (_azurite ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    public TableServiceClient Tables { get; private set; } = null!;

    public QueueServiceClient Queues { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var location = Path.Combine(Path.GetTempPath(), "automation-azurite-" + Guid.NewGuid().ToString("N"));
        _azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
        Tables = new TableServiceClient(Connection);
        Queues = new QueueServiceClient(Connection);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            var location = _azurite.Location;
            await _azurite.DisposeAsync();
            try
            {
                Directory.Delete(location, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is not worth failing a test run for; it is in the temp folder.
            }
        }
    }

    /// <summary>A table name no other test uses.</summary>
    public string UniqueTableName(string prefix = "t") =>
        $"{prefix}{Interlocked.Increment(ref _counter)}x{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 20)];

    /// <summary>A queue name no other test uses.</summary>
    public string UniqueQueueName(string prefix = "q") =>
        $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 22)];
}
