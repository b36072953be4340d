using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using Automation.Deployment.Tests.Settings;

namespace Automation.Deployment.Tests.Package;

/// <summary>The zip the documented command produces has the layout the Functions host reads (spec azure-functions-storage §1.1).</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackageFixture package)
{
    private ZipArchive Open() => ZipFile.OpenRead(package.ZipPath);

    [Fact]
    public void HostJson_IsAtTheRoot_AndIsTheRepositorysHostJson()
    {
        using var zip = Open();
        var entry = zip.GetEntry("host.json");

        Assert.NotNull(entry);
        using var reader = new StreamReader(entry.Open());
        Assert.Equal(File.ReadAllText(Repository.Path("host.json")), reader.ReadToEnd());
    }

    [Fact]
    public void Handler_IsWhereHostJsonSays_AnExecutableLinuxBinary()
    {
        using var zip = Open();
        var entry = zip.GetEntry(package.ExecutablePath);

        Assert.NotNull(entry);
        var mode = (entry.ExternalAttributes >> 16) & 0x1FF;
        Assert.True((mode & 0x49) == 0x49, $"{package.ExecutablePath} has mode {Convert.ToString(mode, 8)}; the host needs it executable (755).");
        using var stream = entry.Open();
        var magic = new byte[4];
        stream.ReadExactly(magic);
        Assert.Equal("\u007fELF"u8.ToArray(), magic);
    }

    [Fact]
    public void EveryFunction_HasItsFolderWithTheRepositorysFunctionJson_AndNothingElseLooksLikeOne()
    {
        using var zip = Open();
        var inZip = zip.Entries.Where(e => e.FullName.EndsWith("/function.json", StringComparison.Ordinal)).ToDictionary(e => e.FullName, StringComparer.Ordinal);

        var expected = FunctionJsonFiles.All().ToDictionary(f => f.Name + "/function.json", f => File.ReadAllText(Repository.Path(f.Path)), StringComparer.Ordinal);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), inZip.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, text) in expected)
        {
            using var reader = new StreamReader(inZip[name].Open());
            Assert.Equal(text, reader.ReadToEnd());
        }
    }

    [Fact]
    public void Runtime_IsSelfContainedLinuxX64()
    {
        using var zip = Open();
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        using var config = JsonDocument.Parse(new StreamReader(zip.GetEntry(package.ExecutablePath + ".runtimeconfig.json")!.Open()).ReadToEnd());
        var options = config.RootElement.GetProperty("runtimeOptions");

        Assert.Contains("libcoreclr.so", names);
        Assert.Contains("libhostfxr.so", names);
        Assert.Contains("System.Private.CoreLib.dll", names);
        Assert.Contains("Microsoft.AspNetCore.dll", names);
        Assert.True(options.TryGetProperty("includedFrameworks", out _), "runtimeconfig.json does not list includedFrameworks: not self-contained.");
        Assert.False(options.TryGetProperty("framework", out _) || options.TryGetProperty("frameworks", out _), "the handler depends on an installed framework.");
        Assert.Equal(JsonValueKind.True, options.GetProperty("configProperties").GetProperty("System.Globalization.Invariant").ValueKind);
    }

    [Theory]
    [InlineData("Automation.Functions.dll")]
    [InlineData("Automation.Core.dll")]
    [InlineData("Automation.Storage.dll")]
    [InlineData("Automation.Scripting.dll")]
    [InlineData("Azure.Core.dll")]
    public void Assembly_IsReadyToRun(string assembly)
    {
        using var zip = Open();
        using var buffer = new MemoryStream();
        using (var stream = zip.GetEntry(assembly)!.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var pe = new PEReader(buffer);

        // ReadyToRun images carry precompiled code behind the CLI header's ManagedNativeHeader directory.
        Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} is IL only: it would be JIT-compiled at cold start.");
    }
}
