using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Functions.Api;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Functions.Management;

/// <summary>
/// API.md "Other": <c>GET /api/admin/export</c> and <c>POST /api/admin/import[?on_conflict=skip|replace&amp;dry_run=true]</c>:
/// custom models, rules (without secrets), templates and sequences as one JSON document (<see cref="StoreTransfer"/>).
/// </summary>
public static class TransferApi
{
    /// <summary>An export of thousands of rules with code is a few MiB; the limit leaves room and still bounds the input.</summary>
    public const int MaxDocumentBytes = 16 * 1024 * 1024;

    public static RouteGroupBuilder MapTransferApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Export and import");
        admin.MapGet("/export", ExportAsync).RequireScope(Scopes.RulesRead);
        admin.MapPost("/import", ImportAsync).RequireScope(Scopes.RulesWrite);
        return api;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, StoreTransfer transfer, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var document = await transfer.ExportAsync(now, cancellationToken);
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"automation-export-{now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.json\"";
        return TypedResults.Ok(document);
    }

    private static async Task<IResult> ImportAsync(HttpContext http, [FromQuery(Name = "on_conflict")] string? onConflict,
        [FromQuery(Name = "dry_run")] bool? dryRun, StoreTransfer transfer, IModelRegistry models, IRuleStore rules, CancellationToken cancellationToken)
    {
        if (onConflict is not (null or "skip" or "replace"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["on_conflict"] = ["on_conflict is skip (the default: report and leave) or replace."] });
        }

        var document = await ReadDocumentAsync(http.Request, cancellationToken);
        var errors = new FieldErrors();
        var plan = StoreTransfer.Parse(document, errors);
        if (plan is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The document cannot be imported.");
        }

        // Code the store does not have yet is code written (API.md): the importing key needs code:write for it.
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in await models.ListAsync(cancellationToken))
        {
            present.UnionWith(CodeWrites.InModel(model));
        }

        foreach (var rule in await rules.ListAsync(cancellationToken))
        {
            present.UnionWith(CodeWrites.InRule(rule));
        }

        if (CodeWrites.WritesNew(plan.Code, present) && !http.Caller().Has(Scopes.CodeWrite))
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: $"The document holds Python code; importing it needs the '{Scopes.CodeWrite}' scope.");
        }

        var (report, importErrors) = await transfer.ImportAsync(plan, onConflict == "replace", dryRun == true, http.Caller().Uid, http, cancellationToken);
        if (report is null)
        {
            return TypedResults.ValidationProblem(importErrors.ToDictionary(), title: "The document cannot be imported.");
        }

        var result = new JsonObject { ["dry_run"] = dryRun == true };
        foreach (var kind in new[] { "models", "sequences", "templates", "rules" })
        {
            result[kind] = report.Kinds.TryGetValue(kind, out var outcomes)
                ? outcomes
                : new JsonObject { ["created"] = new JsonArray(), ["unchanged"] = new JsonArray(), ["replaced"] = new JsonArray() };
        }

        result["conflicts"] = report.Conflicts;
        result["warnings"] = report.Warnings;
        return TypedResults.Ok(result);
    }

    private static async Task<JsonObject> ReadDocumentAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxDocumentBytes)
        {
            throw new BadHttpRequestException($"The document is larger than {MaxDocumentBytes:N0} bytes.", 413);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
            {
                throw new BadHttpRequestException($"The document is larger than {MaxDocumentBytes:N0} bytes.", 413);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = RecordsApi.MaxJsonDepth }) as JsonObject
                   ?? throw new BadHttpRequestException("The document must be a JSON object (what GET /api/admin/export returns).");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"The document is not valid JSON: {e.Message}");
        }
    }
}
