using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Models;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Functions.Api;
using Automation.Storage.Deliveries;

namespace Automation.Functions.Deliveries;

/// <summary>
/// API.md "deliveries": <c>GET /api/admin/deliveries?status=&amp;kind=&amp;limit=</c> (newest first), <c>GET
/// /api/admin/deliveries/{id}</c> (with the rendered message, secrets left out), and the sample payload of a webhook
/// action, <c>GET /api/admin/rules/{id}/actions/{actionId}/sample-payload</c> (spec §5.10).
/// </summary>
public static class DeliveriesApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapDeliveriesApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deliveries = api.MapGroup("/admin/deliveries").WithTags("Deliveries");
        deliveries.MapGet("", ListAsync).RequireScope(Scopes.RulesRead);
        deliveries.MapGet("/{id}", GetAsync).RequireScope(Scopes.RulesRead);
        api.MapGet("/admin/rules/{id:long}/actions/{actionId}/sample-payload", SampleAsync).RequireScope(Scopes.RulesRead).WithTags("Rules");
        return api;
    }

    private static async Task<IResult> ListAsync(TableOutbox outbox, string? status, string? kind, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !DeliveryStatuses.All.Contains(status))
        {
            errors["status"] = [$"Unknown status '{status}' (use one of: {string.Join(", ", DeliveryStatuses.All)})."];
        }

        if (kind is not null && !DeliveryKinds.All.Contains(kind))
        {
            errors["kind"] = [$"Unknown kind '{kind}' (use one of: {string.Join(", ", DeliveryKinds.All)})."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [string.Create(CultureInfo.InvariantCulture, $"limit is from 1 to {MaxLimit}.")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The query is not valid.");
        }

        var found = await outbox.ListAsync(status, kind, limit ?? 100, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["deliveries"] = new JsonArray(found.Select(d => (JsonNode)ToJson(d)).ToArray()) });
    }

    private static async Task<IResult> GetAsync(string id, TableOutbox outbox, CancellationToken cancellationToken) =>
        await outbox.GetAsync(id, cancellationToken) is { } delivery
            ? TypedResults.Ok(ToJson(delivery))
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no delivery '{id}'.");

    private static async Task<IResult> SampleAsync(long id, string actionId, IRuleStore rules, IModelRegistry models, ActionRunner runner,
        CancellationToken cancellationToken)
    {
        var rule = await rules.GetAsync(id, cancellationToken);
        var action = rule is null ? null : Flatten(rule.Actions).FirstOrDefault(a => a.Id == actionId);
        if (action is null || action.State != ActionTypes.SendWebhook)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"Rule {id} has no webhook action '{actionId}'.");
        }

        var model = await models.FindAsync(rule!.Model, cancellationToken);
        if (model is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no model '{rule.Model}'.");
        }

        var sample = await WebhookPayloads.SampleAsync(runner, model, action, cancellationToken);
        return TypedResults.Text(sample, "application/json");
    }

    private static IEnumerable<ServerAction> Flatten(IEnumerable<ServerAction> actions) =>
        actions.SelectMany(a => new[] { a }.Concat(Flatten(a.Children)));

    public static JsonObject ToJson(Delivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var message = (JsonObject)delivery.Message.DeepClone();
        if (message.Remove("secret"))
        {
            message["signed"] = true;
        }

        return new JsonObject
        {
            ["id"] = delivery.Id,
            ["kind"] = delivery.Kind,
            ["status"] = delivery.Status,
            ["attempts"] = delivery.Attempts,
            ["created_at"] = Moment(delivery.CreatedAt),
            ["last_attempt_at"] = Moment(delivery.LastAttemptAt),
            ["next_attempt_at"] = Moment(delivery.NextAttemptAt),
            ["finished_at"] = Moment(delivery.FinishedAt),
            ["last_status"] = delivery.LastStatus,
            ["last_error"] = delivery.LastError,
            ["target"] = delivery.Target,
            ["rule_id"] = delivery.RuleId,
            ["action"] = delivery.ActionName,
            ["model"] = delivery.Model,
            ["res_id"] = delivery.RecordId,
            ["message"] = message,
        };
    }

    private static string? Moment(DateTimeOffset? moment) => moment?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
