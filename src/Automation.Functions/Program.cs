using Automation.Functions;
using Automation.Functions.Hosting;

try
{
    var app = AutomationApp.Create(args);
    await app.InitializeAsync();
    await app.RunAsync();
    return Environment.ExitCode; // 1 when Functions mode could not get storage ready after it started listening
}
catch (StartupException e)
{
    // One clear message naming the setting and the fix, instead of a stack trace.
    await Console.Error.WriteLineAsync($"Automation cannot start: {e.Message}");
    return 1;
}
