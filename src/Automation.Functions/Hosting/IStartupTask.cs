namespace Automation.Functions.Hosting;

/// <summary>Work that must be done once storage is ready and before the app serves (seed data, for example).</summary>
public interface IStartupTask
{
    Task RunAsync(CancellationToken cancellationToken);
}
