using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Scripting;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.10 Send Webhook Notification (<c>webhook</c>): POSTs Odoo's body (<c>_model</c>, <c>_id</c>, <c>_action</c>,
/// and the selected fields plus <c>id</c> as Odoo reads them, keys sorted, Python's separators) to <c>webhook_url</c>.
/// Unlike Odoo's fire-and-forget call, the POST is a durable delivery with retries; with <c>webhook_signing_secret</c>
/// it carries Standard Webhooks signature headers.
/// </summary>
internal static class SendWebhookAction
{
    public const string NoUrl = "I'll be happy to send a webhook for you, but you really need to give me a URL to reach out to...";

    public static async Task RunAsync(ActionCall call)
    {
        var url = call.Action.Text("webhook_url");
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ActionFailedException(NoUrl);
        }

        var record = await call.Runner.ReadAsync(call.Model, call.RecordId, call.Context, call.Cancellation);
        if (record is null)
        {
            return; // no active record: skipped silently (spec §5.10)
        }

        var fields = WebhookPayloads.Fields(call.Action);
        var values = await WebhookPayloads.ValuesAsync(call.Runner, call.Model, record, fields, call.Context, call.Cancellation);
        var body = WebhookPayloads.Serialize(call.Runner.Scripts, WebhookPayloads.Body(call.Model, record.Id, call.Action, values));
        var message = new JsonObject { ["url"] = url, ["body"] = body };
        if (call.Action.Text("webhook_signing_secret") is { Length: > 0 } secret)
        {
            message["secret"] = secret;
        }

        await Messaging.EnqueueAsync(call, DeliveryKinds.Webhook, message, url, null);
    }
}

/// <summary>The body of an outgoing webhook, and the sample payload an admin sees while choosing fields (spec §5.10).</summary>
public static class WebhookPayloads
{
    /// <summary><c>webhook_field_ids</c>: a list of field names (or one comma-separated text).</summary>
    public static IReadOnlyList<string> Fields(ServerAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Fields["webhook_field_ids"] switch
        {
            JsonArray list => list.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            JsonValue v when v.TryGetValue<string>(out var s) => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList(),
            _ => [],
        };
    }

    /// <summary><c>_model</c>, <c>_id</c>, <c>_action</c>, then the field values (with <c>id</c> when any field is selected).</summary>
    public static Dictionary<string, object?> Body(ModelDefinition model, long id, ServerAction action, IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(values);
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["_model"] = model.Name,
            ["_id"] = id,
            ["_action"] = $"{action.Name}(#{action.Id})",
        };
        foreach (var (name, value) in values)
        {
            body[name] = value;
        }

        return body;
    }

    /// <summary>Odoo's <c>read()</c> of the fields: many2one as id or False, to-many as id lists, dates as text, empty as False.</summary>
    internal static async Task<IReadOnlyDictionary<string, object?>> ValuesAsync(ActionRunner runner, ModelDefinition model, RecordData record,
        IReadOnlyList<string> fields, ActionContext context, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (fields.Count == 0)
        {
            return values;
        }

        values["id"] = record.Id;
        foreach (var name in fields.Where(f => f != "id"))
        {
            var field = model.Field(name) ?? throw new ActionFailedException($"{model.Name} has no field '{name}' (webhook_field_ids).");
            object? value = field.Type == FieldType.One2many
                ? (await runner.FollowAsync(model, [record.Id], [name], context, cancellationToken)).Ids.ToList()
                : record[name];
            values[name] = Read(field, value);
        }

        return values;
    }

    private static object? Read(FieldDefinition field, object? value) => value switch
    {
        null => field.Type.IsToMany() ? new List<long>() : field.Type is FieldType.Integer ? 0L : field.Type is FieldType.Float or FieldType.Monetary ? 0.0 : false,
        "" => false,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IReadOnlyList<long> ids => ids.ToList(),
        JsonNode node => node.ToJsonString(),
        _ => value,
    };

    /// <summary>Python's <c>json.dumps(body, sort_keys=True)</c>, by the interpreter itself so the text is byte for byte Odoo's.</summary>
    public static string Serialize(ScriptEngine scripts, IReadOnlyDictionary<string, object?> body)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        var context = new ScriptContext();
        context.Variables["body"] = body;
        return scripts.Execute(scripts.Compile("json.dumps(body, sort_keys=True)", ScriptMode.Eval), context).Value as string ?? "{}";
    }

    /// <summary>
    /// spec §5.10 sample payload: the values of the model's first record (archived ones included), or placeholders by
    /// field type when it has none.
    /// </summary>
    public static async Task<string> SampleAsync(ActionRunner runner, ModelDefinition model, ServerAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(action);
        var fields = Fields(action);
        var first = (await runner.Records.Store.ListAsync(model, null, 1, null, cancellationToken)).Records is [var found, ..] ? found : null;
        IReadOnlyDictionary<string, object?> values;
        if (first is not null)
        {
            values = await ValuesAsync(runner, model, first, fields, new ActionContext(Events.ChangeContext.External()), cancellationToken);
        }
        else
        {
            var placeholders = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (fields.Count > 0)
            {
                placeholders["id"] = 42L;
            }

            foreach (var name in fields.Where(f => f != "id"))
            {
                placeholders[name] = model.Field(name)?.Type switch
                {
                    FieldType.Integer => 42L,
                    FieldType.Float or FieldType.Monetary => 42.42,
                    FieldType.Char or FieldType.Text => "Hello World",
                    FieldType.Html => "<p>Hello World</p>",
                    FieldType.Boolean => true,
                    FieldType.Selection => "option1",
                    FieldType.Date => "2020-01-01",
                    FieldType.Datetime => "2020-01-01 00:00:00",
                    FieldType.Many2one => 47L,
                    FieldType.Many2many or FieldType.One2many => new List<long> { 42, 47 },
                    _ => "some_data",
                };
            }

            values = placeholders;
        }

        return Serialize(runner.Scripts, Body(model, first?.Id ?? 1, action, values));
    }
}
