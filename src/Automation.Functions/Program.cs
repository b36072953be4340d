using Automation.Functions;
using Automation.Functions.Hosting;

try
{
    var app = AutomationApp.Create(args);
    await app.InitializeAsync();
    await app.RunAsync();
    return 0;
}
catch (StartupException e)
{
    // One clear message naming the setting and the fix, instead of a stack trace.
    await Console.Error.WriteLineAsync($"Automation cannot start: {e.Message}");
    return 1;
}
