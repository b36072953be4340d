using Microsoft.Extensions.Configuration;

namespace Automation.Functions.Hosting;

/// <summary>ARCHITECTURE D3: the Functions host drives the triggers, or the app drives them itself.</summary>
public enum HostingMode
{
    /// <summary><c>FUNCTIONS_CUSTOMHANDLER_PORT</c> is set: we are a custom handler behind the Functions host.</summary>
    Functions,

    /// <summary>Local development, tests, containers: Kestrel on 127.0.0.1:7071 plus our own queue and timer runtime.</summary>
    Standalone,
}

public static class HostingModes
{
    public const string CustomHandlerPortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public const string DefaultStandaloneUrl = "http://127.0.0.1:7071";

    public static HostingMode Detect(IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration[CustomHandlerPortSetting]) ? HostingMode.Standalone : HostingMode.Functions;
}

/// <summary>The mode this process runs in, as a service.</summary>
public sealed record ActiveHostingMode(HostingMode Mode);
