using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Ai;
using Automation.Core.Deliveries;
using Automation.Core.Diagnostics;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules.Actions;
using Automation.Core.Sequences;
using Automation.Core.Templates;
using Automation.Scripting;
using Automation.Scripting.Odoo;

namespace Automation.Core.Rules;

/// <summary>Where and as whom an action runs.</summary>
public sealed record ActionContext(ChangeContext Change)
{
    /// <summary>The webhook payload (<c>payload</c> in code), when a webhook call runs the rule.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Last images of records deleted by the event being handled (on-deletion rules read them).</summary>
    public IReadOnlyDictionary<(string Model, long Id), JsonObject>? Tombstones { get; init; }

    public Action<ScriptLogEntry>? Log { get; init; }

    /// <summary>
    /// Records as the engine just read them, which code may read without a storage round trip (the rule's record, when
    /// nothing has been written since it was read). Null when unknown.
    /// </summary>
    public IReadOnlyDictionary<(string Model, long Id), RecordData>? Known { get; init; }
}

/// <summary>An action that cannot succeed as configured or with this data: the run fails and is not retried.</summary>
public sealed class ActionFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What actions use beyond records and code: the outbox, sequences, the AI endpoint, the clock.</summary>
public sealed record ActionServices
{
    public IDeliveryOutbox? Outbox { get; init; }

    public ISequenceSource? Sequences { get; init; }

    public IAiCompletion? Ai { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// Runs one server action on one record (spec §5), each type in its own class under <c>Rules/Actions</c>: Update Record,
/// Create Record, Duplicate Record, Create Activity, Send Email, Send SMS, Send WhatsApp, Add/Remove Followers, Execute
/// Code, Send Webhook Notification and Multi Actions. Messages leave through the durable outbox
/// (<see cref="IDeliveryOutbox"/>), keyed so that an action run again after a crash hands over the same deliveries.
/// </summary>
public sealed class ActionRunner(RecordService records, IModelRegistry models, ScriptEngine scripts, ActionServices? services = null)
{
    /// <summary>Multi actions nest at most this deep (cycles are refused at save time; this guards anything else).</summary>
    public const int MaxMultiDepth = 8;

    /// <summary>Most records one path step or one action may reach.</summary>
    public const int MaxTargets = 10_000;

    internal RecordService Records => records;

    internal IModelRegistry Models => models;

    internal ScriptEngine Scripts => scripts;

    internal ActionServices Services { get; } = services ?? new ActionServices();

    /// <summary>The same runner on other records (a dry run's scratch copy): nothing is sent and no sequence number is drawn.</summary>
    public ActionRunner ForDryRun(RecordService scratch) =>
        new(scratch, models, scripts, Services with { Outbox = new DryRunOutbox(), Sequences = Services.Sequences is { } s ? new PeekingSequences(s) : null });

    /// <summary>Runs one action of a rule on a record, inside its <c>action &lt;type&gt;</c> span.</summary>
    public async Task RunAsync(ServerAction action, ModelDefinition model, long recordId, ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        using var activity = AutomationTelemetry.StartAction(action.Name, action.State, model.Name, recordId);
        try
        {
            await RunAsync(new ActionCall(this, action, model, recordId, context, 0, cancellationToken));
        }
        catch (Exception e)
        {
            AutomationTelemetry.Failed(activity, e);
            throw;
        }
    }

    internal async Task RunAsync(ActionCall call)
    {
        try
        {
            if (GroupIds(call.Action) is { Count: > 0 } groups)
            {
                await CheckGroupsAsync(groups, call);
            }

            await DispatchAsync(call);
        }
        catch (SequenceException e)
        {
            throw new ActionFailedException(e.Message, e);
        }
        catch (FormatException e)
        {
            throw new ActionFailedException(e.Message, e);
        }
    }

    private Task DispatchAsync(ActionCall call) => call.Action.State switch
    {
        ActionTypes.UpdateRecord => UpdateRecordAction.RunAsync(call),
        ActionTypes.CreateRecord => CreateRecordAction.RunAsync(call),
        ActionTypes.DuplicateRecord => DuplicateRecordAction.RunAsync(call),
        ActionTypes.CreateActivity => CreateActivityAction.RunAsync(call),
        ActionTypes.SendEmail => SendEmailAction.RunAsync(call),
        ActionTypes.SendSms => SendSmsAction.RunAsync(call),
        ActionTypes.SendWhatsApp => SendWhatsAppAction.RunAsync(call),
        ActionTypes.AddFollowers or ActionTypes.RemoveFollowers => FollowersAction.RunAsync(call),
        ActionTypes.ExecuteCode => RunScriptAsync(scripts.Compile(call.Action.Text("code") ?? ""), call, evaluate: false),
        ActionTypes.SendWebhook => SendWebhookAction.RunAsync(call),
        ActionTypes.Multi => MultiAction.RunAsync(call),
        _ => throw new ActionFailedException($"Action type '{call.Action.State}' is not available."),
    };

    /// <summary>
    /// Runs admin code on a script thread (<see cref="ScriptThreads"/>): the environment waits on storage synchronously,
    /// which must not block the thread pool. Python errors become <see cref="ActionFailedException"/> with the exception type and line.
    /// </summary>
    internal async Task<object?> RunScriptAsync(CompiledScript script, ActionCall call, bool evaluate, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var context = call.Context;
        var environment = new RecordScriptEnvironment(records, models, context.Change, context.Tombstones, context.Known);
        var scriptContext = new ScriptContext
        {
            Environment = environment,
            Model = call.Model.Name,
            RecordIds = [call.RecordId],
            Payload = context.Payload,
            LogSink = context.Log,
        };
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            scriptContext.Variables[name] = value;
        }

        try
        {
            return await ScriptThreads.RunAsync(() =>
            {
                var result = scripts.Execute(script, scriptContext);
                return evaluate ? result.Value : null;
            });
        }
        catch (ScriptRuntimeException e)
        {
            throw new ActionFailedException(e.Message, e);
        }
    }

    /// <summary>
    /// Renders template fields of <paramref name="template"/> for the call's record: each <c>{{ expression }}</c> is
    /// evaluated with <c>object</c> bound to the record. Returns the rendered text per field name.
    /// </summary>
    internal async Task<IReadOnlyDictionary<string, string>> RenderAsync(ActionCall call, RecordData template, ModelDefinition templateModel,
        IReadOnlyCollection<string> fields)
    {
        var parsed = new Dictionary<string, IReadOnlyList<TemplatePart>>(StringComparer.Ordinal);
        foreach (var name in fields)
        {
            try
            {
                parsed[name] = TemplateText.Parse(template[name] as string);
            }
            catch (FormatException e)
            {
                throw new ActionFailedException($"{templateModel.Name} {template.Id}, field '{name}': {e.Message}", e);
            }
        }

        var expressions = parsed.Values.SelectMany(p => p).Where(p => p.IsExpression).Select(p => p.Text).ToList();
        var values = expressions.Count == 0 ? [] : await EvaluateTemplateAsync(call, expressions, $"{templateModel.Name} {template.Id}");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var next = 0;
        foreach (var (name, parts) in parsed)
        {
            var count = parts.Count(p => p.IsExpression);
            var field = templateModel.Field(name);
            result[name] = TemplateText.Join(parts, values.Skip(next).Take(count).ToList(), html: field?.Type == FieldType.Html);
            next += count;
        }

        return result;
    }

    /// <summary>Renders free text with placeholders (an AI prompt), as <see cref="RenderAsync"/> does a template field.</summary>
    internal async Task<string> RenderTextAsync(ActionCall call, string text, string what)
    {
        IReadOnlyList<TemplatePart> parts;
        try
        {
            parts = TemplateText.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ActionFailedException($"{what}: {e.Message}", e);
        }

        var expressions = parts.Where(p => p.IsExpression).Select(p => p.Text).ToList();
        var values = expressions.Count == 0 ? [] : await EvaluateTemplateAsync(call, expressions, what);
        return TemplateText.Join(parts, values, html: false);
    }

    private async Task<IReadOnlyList<string>> EvaluateTemplateAsync(ActionCall call, IReadOnlyList<string> expressions, string what)
    {
        var compiled = new List<CompiledScript>();
        foreach (var expression in expressions)
        {
            try
            {
                compiled.Add(scripts.Compile(TemplateText.BindObject(expression), ScriptMode.Eval));
            }
            catch (ScriptSyntaxException e)
            {
                throw new ActionFailedException($"{what}: the placeholder {{{{ {expression} }}}} is not valid Python: {e.Message}", e);
            }
        }

        var context = call.Context;
        var environment = new RecordScriptEnvironment(records, models, context.Change, context.Tombstones, context.Known);
        try
        {
            return await ScriptThreads.RunAsync<IReadOnlyList<string>>(() =>
            {
                var texts = new List<string>();
                foreach (var script in compiled)
                {
                    var scriptContext = new ScriptContext
                    {
                        Environment = environment,
                        Model = call.Model.Name,
                        RecordIds = [call.RecordId],
                        LogSink = context.Log,
                    };
                    scriptContext.Variables[TemplateText.ObjectVariable] = new ScriptRecordSet(call.Model.Name, [call.RecordId]);
                    scriptContext.Variables["ctx"] = new Dictionary<string, object?>();
                    var value = scripts.Execute(script, scriptContext).Value;
                    texts.Add(TemplateText.ToText(value, set => environment.Read(set.Model, set.Ids, ["display_name"])
                        .Select(r => r.GetValueOrDefault("display_name") as string ?? "").ToList()));
                }

                return texts;
            });
        }
        catch (ScriptRuntimeException e)
        {
            throw new ActionFailedException($"{what}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Follows relational <paramref name="segments"/> from <paramref name="ids"/> of <paramref name="model"/> (spec §5.4:
    /// a to-many segment yields all related records, an empty relation nothing), returning the last model and the ids reached.
    /// </summary>
    internal async Task<(ModelDefinition Model, IReadOnlyList<long> Ids)> FollowAsync(ModelDefinition model, IReadOnlyList<long> ids,
        IEnumerable<string> segments, ActionContext context, CancellationToken cancellationToken)
    {
        var current = model;
        var targets = ids;
        foreach (var segment in segments)
        {
            var field = current.Field(segment) ?? throw new ActionFailedException($"{current.Name} has no field '{segment}'.");
            if (!field.Type.IsRelational())
            {
                throw new ActionFailedException($"Field {current.Name}.{segment} is not relational.");
            }

            var related = await models.FindAsync(field.Relation ?? "", cancellationToken) ?? throw new UnknownModelException(field.Relation ?? "");
            var next = new List<long>();
            foreach (var record in await ReadManyAsync(current, targets, context, cancellationToken))
            {
                if (field.Type == FieldType.One2many)
                {
                    next.AddRange((await records.SearchAsync(related, Domain.FromTerms([new object?[] { field.InverseName!, "=", record.Id }]), MaxTargets, null,
                        cancellationToken)).Records.Select(r => r.Id));
                }
                else
                {
                    next.AddRange(record[segment] switch
                    {
                        long id => [id],
                        IReadOnlyList<long> list => list,
                        _ => [],
                    });
                }
            }

            current = related;
            targets = next.Distinct().Take(MaxTargets).ToList();
        }

        return (current, targets);
    }

    /// <summary>Reads records, also those the event being handled deleted (from their last image).</summary>
    internal async Task<IReadOnlyList<RecordData>> ReadManyAsync(ModelDefinition model, IReadOnlyList<long> ids, ActionContext context,
        CancellationToken cancellationToken)
    {
        var found = (await records.Store.FindManyAsync(model, ids, cancellationToken)).ToDictionary(r => r.Id);
        var result = new List<RecordData>();
        foreach (var id in ids)
        {
            if (found.TryGetValue(id, out var record))
            {
                result.Add(record);
            }
            else if (context.Tombstones?.GetValueOrDefault((model.Name, id)) is { } image)
            {
                result.Add(RecordImages.FromJson(model, image));
            }
        }

        return result;
    }

    internal async Task<RecordData?> ReadAsync(ModelDefinition model, long id, ActionContext context, CancellationToken cancellationToken) =>
        await ReadManyAsync(model, [id], context, cancellationToken) is [var record, ..] ? record : null;

    internal async Task<ModelDefinition> ModelAsync(string name, CancellationToken cancellationToken) =>
        await models.FindAsync(name, cancellationToken) ?? throw new ActionFailedException($"There is no model '{name}'.");

    /// <summary>The outbox, or a clear failure when the app has none.</summary>
    internal IDeliveryOutbox Outbox => Services.Outbox ?? throw new ActionFailedException("No outbox is configured: this app cannot send messages.");

    /// <summary>
    /// The idempotency key of a delivery: the chain (one API write, webhook call or scheduled run), the rule and record
    /// it ran for, the action, the record acted on, and what distinguishes deliveries of one action (a recipient).
    /// </summary>
    internal static string DeliveryKey(ActionCall call, string kind, params object?[] extra)
    {
        var chain = call.Context.Change.Chain;
        var last = chain.Done.Count > 0 ? chain.Done[^1] : null;
        return DeliveryRequest.KeyOf([chain.Id, last?.RuleId, last?.Model, last?.RecordId, call.Action.Id ?? call.Action.Name, call.Action.State,
            call.Depth, kind, call.Model.Name, call.RecordId, .. extra]);
    }

    internal static string? RuleIdOf(ActionCall call) =>
        call.Context.Change.Chain.Done.Count > 0 ? call.Context.Change.Chain.Done[^1].RuleId : null;

    /// <summary>Most groups an action may be restricted to.</summary>
    public const int MaxGroups = 50;

    public const string NotInGroups = "You don't have enough access rights to run this action.";

    /// <summary>An action's allowed groups (<c>group_ids</c>): empty when unrestricted, null when the value is not a list of ids.</summary>
    internal static IReadOnlyList<long>? GroupIds(ServerAction action) => action.Fields["group_ids"] switch
    {
        null => [],
        JsonArray { Count: <= MaxGroups } ids when ids.Select(IdOf).ToList() is var parsed && parsed.All(id => id > 0) => [.. parsed.Select(id => id!.Value)],
        _ => null,
    };

    /// <summary>
    /// Spec §5.1: an action restricted to groups runs only when the user who made the change belongs to one of them
    /// (Odoo's AccessError otherwise, which fails the run without retrying and changes nothing).
    /// </summary>
    private async Task CheckGroupsAsync(IReadOnlyList<long> groups, ActionCall call)
    {
        var users = await records.ModelAsync("res.users", call.Cancellation);
        var user = await records.Store.FindAsync(users, call.Context.Change.Actor.Uid, call.Cancellation);
        var member = user?["group_ids"] is IEnumerable<long> ids && ids.Any(groups.Contains);
        if (!member)
        {
            throw new ActionFailedException(NotInGroups);
        }
    }

    /// <summary>An id field of an action: a number, numeric text, or Odoo's <c>"model,id"</c> reference.</summary>
    internal static long? IdOf(ServerAction action, string field) => IdOf(action.Fields[field]);

    internal static long? IdOf(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) => (long)d,
        JsonValue v when v.TryGetValue<string>(out var s) && s.Split(',') is var parts &&
                         long.TryParse(parts[^1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
        JsonArray { Count: > 0 } a => IdOf(a[0]),
        _ => null,
    };

    internal static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        DateTime dt => RecordJson.FormatDateTime(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()),
        DateOnly d => RecordJson.FormatDate(d),
        ScriptRecordSet set => set.Ids.Count == 0 ? null : set.Ids.Count == 1 ? set.Ids[0] : new JsonArray(set.Ids.Select(x => (JsonNode)x).ToArray()),
        _ => JsonSerializer.SerializeToNode(value),
    };

    /// <summary>spec §5.4 "value by field type" (kept here for callers that compute a fixed value).</summary>
    internal static JsonNode? ValueFor(FieldDefinition field, ServerAction action) => UpdateRecordAction.ValueFor(field, action);

    /// <summary>Draws nothing: formats the next number (dry runs).</summary>
    private sealed class PeekingSequences(ISequenceSource inner) : ISequenceSource
    {
        public Task<string?> NextByIdAsync(long sequenceId, DateOnly? date, CancellationToken cancellationToken, bool peek = false) =>
            inner.NextByIdAsync(sequenceId, date, cancellationToken, peek: true);
    }
}

/// <summary>One action about to run: which, on what, in which context, how deep inside multi actions.</summary>
internal sealed record ActionCall(ActionRunner Runner, ServerAction Action, ModelDefinition Model, long RecordId, ActionContext Context, int Depth,
    CancellationToken Cancellation)
{
    public ChangeContext Change => Context.Change;
}

/// <summary>The <c>state</c> values of spec §5.3.</summary>
public static class ActionTypes
{
    public const string UpdateRecord = "object_write";
    public const string CreateRecord = "object_create";
    public const string DuplicateRecord = "object_copy";
    public const string ExecuteCode = "code";
    public const string SendWebhook = "webhook";
    public const string Multi = "multi";
    public const string CreateActivity = "next_activity";
    public const string SendEmail = "mail_post";
    public const string AddFollowers = "followers";
    public const string RemoveFollowers = "remove_followers";
    public const string SendSms = "sms";
    public const string SendWhatsApp = "whatsapp";

    /// <summary>Everything this engine runs (Odoo's Enterprise <c>ai</c> agent action is not among them).</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        UpdateRecord, CreateRecord, DuplicateRecord, ExecuteCode, SendWebhook, Multi, CreateActivity, SendEmail, AddFollowers, RemoveFollowers,
        SendSms, SendWhatsApp,
    };

    /// <summary>Types that act on the record's chatter (refused on deletion rules, spec §1.4).</summary>
    public static readonly IReadOnlySet<string> Mail = new HashSet<string>(StringComparer.Ordinal) { SendEmail, AddFollowers, CreateActivity };
}
