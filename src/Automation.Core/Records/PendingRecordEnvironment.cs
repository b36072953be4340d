using Automation.Core.Models;
using Automation.Core.Rules;
using Automation.Scripting.Odoo;

namespace Automation.Core.Records;

/// <summary>
/// A script environment in which one record of one model is served from pending values in memory: the form record of
/// an On UI change rule, or the record being computed. Assignments to it change those values; the rest goes to the
/// store, or, for compute code (<paramref name="computedOnly"/>), is refused: compute code only assigns its record's
/// computed fields.
/// </summary>
public sealed class PendingRecordEnvironment(IScriptEnvironment inner, ModelDefinition pendingModel, long pendingId,
    Dictionary<string, object?> pending, bool computedOnly) : IScriptEnvironment
{
    public HashSet<string> Assigned { get; } = new(StringComparer.Ordinal);

    public long Uid => inner.Uid;

    public ScriptModel? GetModel(string model) => inner.GetModel(model);

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(string model, IReadOnlyList<long> ids, IReadOnlyCollection<string>? fields)
    {
        if (model != pendingModel.Name || !ids.Contains(pendingId))
        {
            return inner.Read(model, ids, fields);
        }

        var row = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = pendingId };
        foreach (var field in pendingModel.Fields.Where(f => fields is null || fields.Contains(f.Name)))
        {
            row[field.Name] = pending.GetValueOrDefault(field.Name) ?? FieldValues.Empty(field);
        }

        row["display_name"] = pending.GetValueOrDefault(pendingModel.RecName) as string ?? "";
        var others = inner.Read(model, ids.Where(i => i != pendingId).ToList(), fields);
        return [row, .. others];
    }

    public void Write(string model, IReadOnlyList<long> ids, IReadOnlyDictionary<string, object?> values)
    {
        if (model == pendingModel.Name && ids.Contains(pendingId))
        {
            foreach (var (field, value) in values)
            {
                Assign(field, value);
            }

            ids = ids.Where(i => i != pendingId).ToList();
            if (ids.Count == 0)
            {
                return;
            }
        }

        Refuse("write other records");
        inner.Write(model, ids, values);
    }

    /// <summary>Sets a field of the pending record from a script value (the form keeps it as the script gave it).</summary>
    public void Assign(string field, object? value)
    {
        if (computedOnly)
        {
            var definition = pendingModel.Field(field);
            if (definition is not { IsComputed: true })
            {
                throw new InvalidOperationException($"Compute code may only assign computed fields of its record, not '{field}'.");
            }

            var json = RecordScriptEnvironment.ToJson(new Dictionary<string, object?> { [field] = value })[field];
            pending[field] = RecordJson.TryParseFieldValue(definition, json, out var parsed, out var error)
                ? parsed
                : throw new InvalidOperationException($"Invalid value for {field}: {error}");
        }
        else
        {
            pending[field] = value;
        }

        Assigned.Add(field);
    }

    public IReadOnlyList<long> Search(string model, IReadOnlyList<object?> domain, int offset, int? limit, string? order) =>
        inner.Search(model, domain, offset, limit, order);

    public long SearchCount(string model, IReadOnlyList<object?> domain) => inner.SearchCount(model, domain);

    public IReadOnlyList<long> Create(string model, IReadOnlyList<IReadOnlyDictionary<string, object?>> values)
    {
        Refuse("create records");
        return inner.Create(model, values);
    }

    public void Unlink(string model, IReadOnlyList<long> ids)
    {
        Refuse("delete records");
        inner.Unlink(model, ids.Where(i => i != pendingId).ToList());
    }

    public IReadOnlyList<long> Exists(string model, IReadOnlyList<long> ids) =>
        model == pendingModel.Name && ids.Contains(pendingId) ? [pendingId, .. inner.Exists(model, ids.Where(i => i != pendingId).ToList())] : inner.Exists(model, ids);

    public long MessagePost(string model, long id, IReadOnlyDictionary<string, object?> values)
    {
        Refuse("post messages");
        return inner.MessagePost(model, id, values);
    }

    private void Refuse(string what)
    {
        if (computedOnly)
        {
            throw new InvalidOperationException($"Compute code cannot {what}; it only assigns computed fields of its record.");
        }
    }
}
