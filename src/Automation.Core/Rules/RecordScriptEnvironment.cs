using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Scripting.Odoo;

namespace Automation.Core.Rules;

/// <summary>
/// <c>env</c> for admin code (SCRIPTING.md "Environment"), bound to the real record path: reads, searches with domains,
/// and writes through <see cref="RecordService"/>, so a script's writes fire rules like any other write, in the
/// script's causal chain. The interpreter calls synchronously, so scripts run on a dedicated thread
/// (<see cref="ActionRunner"/>) and this class waits on storage there. Reads of a record deleted by the event being
/// handled are served from its last image (the tombstone), so <c>on_unlink</c> code still sees the record.
/// </summary>
public sealed class RecordScriptEnvironment(
    RecordService records,
    IModelRegistry models,
    ChangeContext context,
    IReadOnlyDictionary<(string Model, long Id), JsonObject>? tombstones = null,
    IReadOnlyDictionary<(string Model, long Id), RecordData>? known = null) : IScriptEnvironment
{
    private readonly Dictionary<string, ModelDefinition?> _models = new(StringComparer.Ordinal);

    /// <summary>Records as the engine just read them (the rule's record): served without a storage read until this script writes anything.</summary>
    private IReadOnlyDictionary<(string Model, long Id), RecordData>? _known = known;

    public long Uid => context.Actor.Uid;

    public ScriptModel? GetModel(string model)
    {
        var definition = Model(model);
        return definition is null ? null : ToScriptModel(definition);
    }

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(string model, IReadOnlyList<long> ids, IReadOnlyCollection<string>? fields)
    {
        var definition = Require(model);
        var known = _known;
        var missing = known is null ? ids : ids.Where(i => !known.ContainsKey((model, i))).ToList();
        var found = (missing.Count == 0 ? [] : Wait(records.Store.FindManyAsync(definition, missing, CancellationToken.None))).ToDictionary(r => r.Id);
        if (known is not null)
        {
            foreach (var id in ids.Where(i => known.ContainsKey((model, i))))
            {
                found[id] = known[(model, id)];
            }
        }

        var rows = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var id in ids)
        {
            RecordData? record = found.GetValueOrDefault(id);
            if (record is null && tombstones?.GetValueOrDefault((model, id)) is { } image)
            {
                record = RecordImages.FromJson(definition, image);
            }

            if (record is null)
            {
                continue;
            }

            var row = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = id };
            foreach (var field in definition.Fields)
            {
                if (fields is not null && !fields.Contains(field.Name))
                {
                    continue;
                }

                row[field.Name] = field.Type == FieldType.One2many
                    ? Wait(records.SearchAsync(Require(field.Relation!), Domain.FromTerms([new object?[] { field.InverseName!, "=", id }]), 10_000, null,
                        CancellationToken.None)).Records.Select(r => r.Id).ToList()
                    : FieldValues.Empty(field) is var empty && record.Values.TryGetValue(field.Name, out var value) ? value ?? empty : empty;
            }

            row["create_date"] = record.CreateDate;
            row["write_date"] = record.WriteDate;
            row["display_name"] = RecordJson.DefaultDisplayName(definition, record);
            rows.Add(row);
        }

        return rows;
    }

    public IReadOnlyList<long> Search(string model, IReadOnlyList<object?> domain, int offset, int? limit, string? order)
    {
        var definition = Require(model);
        var wanted = limit is { } l ? offset + l : int.MaxValue;
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var page = Wait(records.SearchAsync(definition, Domain.FromTerms(domain), Math.Min(1000, wanted - ids.Count), cursor, CancellationToken.None));
            ids.AddRange(page.Records.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null && ids.Count < wanted);

        if (order is { } o && o.Trim().EndsWith("desc", StringComparison.OrdinalIgnoreCase) && o.TrimStart().StartsWith("id", StringComparison.Ordinal))
        {
            ids.Reverse();
        }

        return ids.Skip(offset).Take(limit ?? int.MaxValue).ToList();
    }

    public long SearchCount(string model, IReadOnlyList<object?> domain) => Search(model, domain, 0, null, null).Count;

    public IReadOnlyList<long> Create(string model, IReadOnlyList<IReadOnlyDictionary<string, object?>> values)
    {
        _known = null;
        var definition = Require(model);
        return values.Select(v => Wait(records.CreateAsync(definition, ToJson(v), context, CancellationToken.None)).Id).ToList();
    }

    public void Write(string model, IReadOnlyList<long> ids, IReadOnlyDictionary<string, object?> values)
    {
        _known = null;
        var definition = Require(model);
        foreach (var id in ids)
        {
            Wait(records.WriteAsync(definition, id, ToJson(values), null, context, CancellationToken.None));
        }
    }

    public void Unlink(string model, IReadOnlyList<long> ids)
    {
        _known = null;
        var definition = Require(model);
        foreach (var id in ids)
        {
            Wait(records.DeleteAsync(definition, id, null, context, CancellationToken.None));
        }
    }

    public IReadOnlyList<long> Exists(string model, IReadOnlyList<long> ids)
    {
        var definition = Require(model);
        return Wait(records.Store.FindManyAsync(definition, ids, CancellationToken.None)).Select(r => r.Id).ToList();
    }

    public long MessagePost(string model, long id, IReadOnlyDictionary<string, object?> values)
    {
        _known = null;
        var message = Require("mail.message");
        var body = ToJson(values);
        body["model"] = model;
        body["res_id"] = id;
        body["message_type"] ??= "comment";
        body["date"] ??= RecordJson.FormatDateTime(DateTime.UtcNow);
        foreach (var extra in body.Select(p => p.Key).Where(k => !message.HasField(k)).ToList())
        {
            body.Remove(extra);
        }

        return Wait(records.CreateAsync(message, body, context, CancellationToken.None)).Id;
    }

    private ModelDefinition? Model(string name)
    {
        if (!_models.TryGetValue(name, out var definition))
        {
            _models[name] = definition = Wait(models.FindAsync(name, CancellationToken.None));
        }

        return definition;
    }

    private ModelDefinition Require(string name) => Model(name) ?? throw new UnknownModelException(name);

    private static ScriptModel ToScriptModel(ModelDefinition model) => new(model.Name,
        model.Fields.ToDictionary(f => f.Name, f => new ScriptField(f.Name, Enum.Parse<ScriptFieldType>(f.Type.ToString()), f.Relation),
            StringComparer.Ordinal));

    /// <summary>Script values (.NET) as record JSON; command lists stay lists, dates become ISO text.</summary>
    internal static JsonObject ToJson(IReadOnlyDictionary<string, object?> values)
    {
        var json = new JsonObject();
        foreach (var (name, value) in values)
        {
            json[name] = value switch
            {
                null => null,
                DateTime dt => RecordJson.FormatDateTime(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind).ToUniversalTime()),
                DateOnly d => RecordJson.FormatDate(d),
                _ => JsonSerializer.SerializeToNode(value),
            };
        }

        return json;
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
