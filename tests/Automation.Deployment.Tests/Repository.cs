namespace Automation.Deployment.Tests;

/// <summary>The repository these tests run from: its files are what they check.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The folder of the function.json files (<c>src/Automation.Functions/functions/&lt;Name&gt;/function.json</c>).</summary>
    public static string FunctionsFolder => Path("src", "Automation.Functions", "functions");

    public static string FunctionAppBicep => Path("infra", "modules", "functionapp.bicep");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Automation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Automation.sln was not found above " + AppContext.BaseDirectory);
    }
}
