namespace Automation.Functions.Hosting;

/// <summary>Configuration the app cannot start with; the message names the setting and the fix.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
