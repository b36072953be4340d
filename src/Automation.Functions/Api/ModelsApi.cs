using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Functions.Api;

/// <summary>API.md "Models": <c>/api/admin/models[/{model}]</c>. Built-in models can be read, not changed.</summary>
public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/admin/models").WithTags("Models");
        models.MapGet("", ListAsync).RequireScope(Scopes.RecordsRead);
        models.MapGet("/{model}", GetAsync).RequireScope(Scopes.RecordsRead);
        models.MapPut("/{model}", PutAsync).RequireScope(Scopes.RulesWrite);
        models.MapDelete("/{model}", DeleteAsync).RequireScope(Scopes.RulesWrite);
        return api;
    }

    private static async Task<IResult> ListAsync(IModelRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(new JsonArray((await registry.ListAsync(cancellationToken)).Select(m => (JsonNode)ModelJson.ToJson(m)).ToArray()));

    private static async Task<IResult> GetAsync(string model, IModelRegistry registry, CancellationToken cancellationToken) =>
        await registry.FindAsync(model, cancellationToken) is { } found
            ? TypedResults.Ok(ModelJson.ToJson(found))
            : throw new UnknownModelException(model);

    private static async Task<IResult> PutAsync(string model, HttpContext http, IModelRegistry registry, CancellationToken cancellationToken)
    {
        if (BuiltInModels.IsBuiltIn(model))
        {
            return TypedResults.Problem(statusCode: 409, title: "Built-in model", detail: $"'{model}' is built into the engine and cannot be changed.");
        }

        var body = await RecordsApi.ReadObjectAsync(http.Request, cancellationToken);
        var parsed = ModelJson.Parse(body, model);
        if (!parsed.IsValid)
        {
            return TypedResults.ValidationProblem(parsed.Errors.ToDictionary(), title: "The model is not valid.");
        }

        var known = (await registry.ListAsync(cancellationToken)).ToDictionary(m => m.Name, StringComparer.Ordinal);
        if (CodeWrites.WritesNew(CodeWrites.InModel(parsed.Model), CodeWrites.InModel(known.GetValueOrDefault(model))) &&
            !http.Caller().Has(Scopes.CodeWrite))
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: $"Saving Python code (a field's compute) needs the '{Scopes.CodeWrite}' scope.");
        }

        var errors = ModelValidator.Validate(parsed.Model!, name => name == model ? parsed.Model : known.GetValueOrDefault(name));
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The model is not valid.");
        }

        var existed = known.ContainsKey(model);
        await registry.SaveAsync(parsed.Model!, cancellationToken);
        return existed ? TypedResults.Ok(ModelJson.ToJson(parsed.Model!)) : TypedResults.Created($"/api/admin/models/{model}", ModelJson.ToJson(parsed.Model!));
    }

    private static async Task<IResult> DeleteAsync(string model, IModelRegistry registry, IRecordStore store, CancellationToken cancellationToken)
    {
        if (BuiltInModels.IsBuiltIn(model))
        {
            return TypedResults.Problem(statusCode: 409, title: "Built-in model", detail: $"'{model}' is built into the engine and cannot be deleted.");
        }

        var definition = await registry.FindAsync(model, cancellationToken) ?? throw new UnknownModelException(model);
        if ((await store.ListAsync(definition, null, 1, null, cancellationToken)).Records.Count > 0)
        {
            return TypedResults.Problem(statusCode: 409, title: "Model has records",
                detail: $"'{model}' still has records; delete them first so no rule loses the records it acts on.");
        }

        var referencing = (await registry.ListAsync(cancellationToken))
            .SelectMany(m => m.Fields.Where(f => f.Relation == model && m.Name != model).Select(f => $"{m.Name}.{f.Name}"))
            .ToList();
        if (referencing.Count > 0)
        {
            return TypedResults.Problem(statusCode: 409, title: "Model is referenced",
                detail: $"'{model}' is the relation of {string.Join(", ", referencing)}.");
        }

        await registry.DeleteAsync(model, cancellationToken);
        return TypedResults.NoContent();
    }
}
