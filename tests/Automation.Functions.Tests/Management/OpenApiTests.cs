using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace Automation.Functions.Tests.Management;

/// <summary>Issue #10 acceptance: <c>GET /api/openapi.json</c> is a valid OpenAPI document that lists every route.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class OpenApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private TestApp _app = null!;
    private string _document = "";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false);
        using var admin = _app.Admin();
        _document = await admin.GetStringAsync("/api/openapi.json");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public void Document_ReadsWithoutErrors_AndPassesTheValidationRules()
    {
        var read = OpenApiDocument.Parse(_document, "json");

        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.NotNull(read.Document);
        Assert.Empty(read.Document.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
    }

    [Fact]
    public async Task Document_PassesAnIndependentValidator_WhenPythonHasOne()
    {
        // openapi-spec-validator is on the project's machine image; where it is missing the check above stands alone.
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, _document);
        try
        {
            var start = new ProcessStartInfo("python3", ["-c", """
                import json, sys
                try:
                    from openapi_spec_validator import validate
                except ImportError:
                    print("missing"); sys.exit(0)
                validate(json.load(open(sys.argv[1])))
                print("valid")
                """, file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var python = Process.Start(start);
            if (python is null)
            {
                return;
            }

            var output = await python.StandardOutput.ReadToEndAsync();
            var error = await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.True(python.ExitCode == 0, error);
            Assert.True(output.Trim() is "valid" or "missing", output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No python3 on this machine.
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Document_ListsEveryMappedRoute_WithItsMethod_AndTheProblemResponses()
    {
        var paths = JsonNode.Parse(_document)!["paths"]!.AsObject();
        var missing = new List<string>();
        foreach (var endpoint in _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = "/" + ConstraintPattern().Replace(endpoint.RoutePattern.RawText ?? "", "}").Trim('/');
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (paths[path]?[method.ToLowerInvariant()] is null)
                {
                    missing.Add($"{method} {path}");
                }
            }
        }

        Assert.True(missing.Count == 0, "Not in the document: " + string.Join(", ", missing));
        var replay = paths["/api/admin/runs/{id}/replay"]!["post"]!;
        Assert.Equal("rules:write", replay["x-required-scope"]!.GetValue<string>());
        Assert.NotNull(replay["responses"]!["403"]!["content"]!["application/problem+json"]);
        Assert.NotNull(JsonNode.Parse(_document)!["components"]!["schemas"]!["ProblemDetails"]);
        Assert.Null(paths["/api/health"]!["get"]!["security"]);
    }

    [Fact]
    public async Task Document_NeedsAKey()
    {
        using var response = await _app.Http.GetAsync("/api/openapi.json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [GeneratedRegex(@":[a-z]+\}")]
    private static partial Regex ConstraintPattern();
}
