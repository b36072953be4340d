using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;

namespace Automation.Functions.Api;

/// <summary>API.md "Rules": <c>/api/admin/rules[/{id}]</c>, actions inline, Odoo's field names.</summary>
public static class RulesApi
{
    public static RouteGroupBuilder MapRulesApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/admin/rules").WithTags("Rules");
        rules.MapGet("", ListAsync).RequireScope(Scopes.RulesRead);
        rules.MapPost("", CreateAsync).RequireScope(Scopes.RulesWrite);
        rules.MapGet("/{id:long}", GetAsync).RequireScope(Scopes.RulesRead);
        rules.MapPut("/{id:long}", ReplaceAsync).RequireScope(Scopes.RulesWrite);
        rules.MapPatch("/{id:long}", PatchAsync).RequireScope(Scopes.RulesWrite);
        rules.MapDelete("/{id:long}", DeleteAsync).RequireScope(Scopes.RulesWrite);
        rules.MapGet("/{id:long}/runs", RunsAsync).RequireScope(Scopes.RulesRead);
        return api;
    }

    private static async Task<IResult> ListAsync(IRuleStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new JsonArray((await store.ListAsync(cancellationToken)).OrderBy(r => r.Id).Select(r => (JsonNode)RuleJson.ToJson(r)).ToArray()));

    private static async Task<IResult> GetAsync(long id, IRuleStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } rule
            ? TypedResults.Ok(RuleJson.ToJson(rule))
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no rule {id}.");

    private static async Task<IResult> CreateAsync(HttpContext http, IRuleStore store, IModelRegistry models, CancellationToken cancellationToken)
    {
        var body = await RecordsApi.ReadObjectAsync(http.Request, cancellationToken);
        var (rule, problem) = await ValidateAsync(body, null, http, models, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var saved = await store.SaveAsync(rule!, cancellationToken);
        return TypedResults.Created($"/api/admin/rules/{saved.Id}", await ChangedAsync(null, saved, http, cancellationToken));
    }

    private static async Task<IResult> ReplaceAsync(long id, HttpContext http, IRuleStore store, IModelRegistry models, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } existing)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no rule {id}.");
        }

        var body = await RecordsApi.ReadObjectAsync(http.Request, cancellationToken);
        foreach (var (key, value) in existing.Extra.Where(p => p.Key.EndsWith("_secret", StringComparison.Ordinal) && !body.ContainsKey(p.Key)))
        {
            body[key] = value?.DeepClone(); // write-only fields are never shown, so a PUT that leaves them out keeps them
        }

        return await SaveAsync(existing, body, http, store, models, cancellationToken);
    }

    private static async Task<IResult> PatchAsync(long id, HttpContext http, IRuleStore store, IModelRegistry models, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } existing)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no rule {id}.");
        }

        var merged = RuleJson.ToJson(existing, includeSecrets: true);
        var patch = await RecordsApi.ReadObjectAsync(http.Request, cancellationToken);
        if (patch["trigger"] is JsonValue trigger && trigger.TryGetValue<string>(out var newTrigger) && newTrigger != existing.Trigger &&
            RuleDefaults.ResetsOnTriggerChange(newTrigger))
        {
            // spec §1.3: switching to one of these triggers empties what the previous trigger generated.
            merged["filter_domain"] = null;
            merged["filter_pre_domain"] = null;
            merged["trigger_field_ids"] = new JsonArray();
        }

        foreach (var (key, value) in patch)
        {
            merged[key] = value?.DeepClone();
        }

        // A changed trigger recomputes watched fields and auto-domains (spec §1.3) unless the patch sets them.
        merged.Remove("id");
        merged.Remove("last_run");
        return await SaveAsync(existing, merged, http, store, models, cancellationToken);
    }

    private static async Task<IResult> SaveAsync(AutomationRule existing, JsonObject body, HttpContext http, IRuleStore store, IModelRegistry models,
        CancellationToken cancellationToken)
    {
        RuleJson.KeepActionSecrets(body, existing); // write-only action fields a client cannot send back
        var (rule, problem) = await ValidateAsync(body, existing, http, models, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var saved = await store.SaveAsync(rule! with { LastRun = existing.LastRun }, cancellationToken);
        return TypedResults.Ok(await ChangedAsync(existing, saved, http, cancellationToken));
    }

    private static async Task<IResult> DeleteAsync(long id, IRuleStore store, IEnumerable<IRuleChangeHook> hooks, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no rule {id}.");
        }

        foreach (var hook in hooks)
        {
            await hook.DeletedAsync(id, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    /// <summary>The saved rule's JSON, with what the <see cref="IRuleChangeHook"/>s add (the webhook URL).</summary>
    private static async Task<JsonObject> ChangedAsync(AutomationRule? previous, AutomationRule saved, HttpContext http, CancellationToken cancellationToken)
    {
        var json = RuleJson.ToJson(saved);
        foreach (var hook in http.RequestServices.GetServices<IRuleChangeHook>())
        {
            await hook.SavedAsync(previous, saved, json, http, cancellationToken);
        }

        return json;
    }

    private static async Task<IResult> RunsAsync(long id, IRunLog runs, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await runs.ListAsync(id, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken));

    /// <summary>Parses, applies Odoo's recomputations (spec §1.3) and validates (spec §1.4). Writing code needs <c>code:write</c>.</summary>
    internal static async Task<(AutomationRule? Rule, IResult? Problem)> ValidateAsync(JsonObject body, AutomationRule? existing, HttpContext http,
        IModelRegistry models, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var parsed = RuleJson.Parse(body, errors, existing?.Id ?? 0);
        if (parsed is null)
        {
            return (null, TypedResults.ValidationProblem(errors.ToDictionary(), title: "The rule is not valid."));
        }

        // Odoo's default record getter is not code the caller wrote (every webhook rule carries it), nor is code saved again unchanged.
        if (CodeWrites.WritesNew(CodeWrites.InRule(parsed), CodeWrites.InRule(existing)) && !http.Caller().Has(Scopes.CodeWrite))
        {
            return (null, TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: $"Saving Python code needs the '{Scopes.CodeWrite}' scope."));
        }

        var all = (await models.ListAsync(cancellationToken)).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var model = all.GetValueOrDefault(parsed.Model);
        var rule = model is null ? parsed : RuleDefaults.Apply(parsed, model);
        errors = RuleValidator.Validate(rule, model, name => all.GetValueOrDefault(name));
        if (errors.IsEmpty && model is not null)
        {
            foreach (var check in http.RequestServices.GetServices<IRuleSaveCheck>())
            {
                await check.CheckAsync(rule, model, errors, cancellationToken); // templates, sequences, the AI endpoint (issue #8)
            }
        }

        return errors.IsEmpty ? (rule, null) : (null, TypedResults.ValidationProblem(errors.ToDictionary(), title: "The rule is not valid."));
    }
}
