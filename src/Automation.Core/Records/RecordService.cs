using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Core.Models;

namespace Automation.Core.Records;

/// <summary>
/// The engine's write path for record JSON (API.md "Records"): parse and validate values, apply defaults, carry out
/// x2many commands, and hand the result to the <see cref="IRecordStore"/>, so every create, write and delete, from
/// the API, an action or a script, becomes a change event. one2many links live on the inverse many2one of the
/// related records, so one2many commands write those records. Computed and related fields of the record are
/// recomputed inside the write that changes what they depend on (<see cref="ComputedFields"/>).
/// </summary>
public sealed class RecordService(IModelRegistry models, IRecordStore store, ComputedFields? computed = null)
{
    /// <summary>Attempts of a write that recomputes fields when another write keeps changing the record in between.</summary>
    public const int MaxComputeAttempts = 8;

    /// <summary>Nested creates through x2many commands stop here: deeper is a mistake or an attack.</summary>
    public const int MaxNesting = 8;

    public IRecordStore Store => store;

    public async Task<ModelDefinition> ModelAsync(string name, CancellationToken cancellationToken) =>
        await models.FindAsync(name, cancellationToken) ?? throw new UnknownModelException(name);

    public async Task<RecordData> GetAsync(ModelDefinition model, long id, CancellationToken cancellationToken) =>
        await store.FindAsync(model, id, cancellationToken) ?? throw new RecordNotFoundException(model.Name, id);

    public Task<RecordData> CreateAsync(ModelDefinition model, JsonNode? values, ChangeContext context, CancellationToken cancellationToken) =>
        CreateAsync(model, values, context, 0, cancellationToken);

    public async Task<RecordData> WriteAsync(ModelDefinition model, long id, JsonNode? values, string? ifMatch, ChangeContext context,
        CancellationToken cancellationToken)
    {
        var parsed = Parse(model, values, RecordParseMode.Write);
        var stored = new Dictionary<string, object?>(parsed.Values, StringComparer.Ordinal);
        if (parsed.Commands.Count > 0)
        {
            var current = await GetAsync(model, id, cancellationToken);
            await ApplyCommandsAsync(model, id, current, parsed.Commands, stored, context, 0, cancellationToken);
        }

        return await WriteComputedAsync(model, id, stored, stored.Keys.ToList(), ifMatch, context, cancellationToken);
    }

    /// <summary>Recomputes <paramref name="fields"/> (computed fields) of a record because something they read elsewhere changed.</summary>
    public async Task RecomputeAsync(Dependent dependent, ChangeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dependent);
        var dependencies = dependent.Model.Fields.Where(f => dependent.Fields.Contains(f.Name)).SelectMany(f => f.Dependencies)
            .Select(d => d.Split('.')[0]).ToList();
        try
        {
            await WriteComputedAsync(dependent.Model, dependent.Id, new Dictionary<string, object?>(StringComparer.Ordinal), dependencies, null, context,
                cancellationToken, skipUnchanged: true);
        }
        catch (RecordNotFoundException)
        {
            // Deleted meanwhile: nothing to keep current.
        }
    }

    /// <summary>
    /// Writes <paramref name="stored"/> with the computed fields that depend on <paramref name="changed"/>, computed from
    /// the record as it will be. The write is guarded by the version the computation read, and computed again when
    /// another write got in between, so a computed value never mixes two versions of the record.
    /// </summary>
    private async Task<RecordData> WriteComputedAsync(ModelDefinition model, long id, Dictionary<string, object?> stored, IReadOnlyCollection<string> changed,
        string? ifMatch, ChangeContext context, CancellationToken cancellationToken, bool skipUnchanged = false)
    {
        if (computed is null || !model.Fields.Any(f => f.IsComputed && f.Dependencies.Any(d => changed.Contains(d.Split('.')[0]))))
        {
            return await store.WriteAsync(model, id, stored, ifMatch, context, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await GetAsync(model, id, cancellationToken);
            var next = new Dictionary<string, object?>(current.Values, StringComparer.Ordinal);
            foreach (var (name, value) in stored)
            {
                next[name] = value;
            }

            var values = new Dictionary<string, object?>(stored, StringComparer.Ordinal);
            foreach (var (name, value) in await computed.ComputeAsync(model, id, next, changed, cancellationToken))
            {
                if (!skipUnchanged || !FieldValues.AreEqual(model.Field(name)!, current[name], value))
                {
                    values[name] = value;
                }
            }

            if (values.Count == 0)
            {
                return current;
            }

            try
            {
                return await store.WriteAsync(model, id, values, ifMatch ?? current.ETag, context, cancellationToken);
            }
            catch (RecordConflictException) when (ifMatch is null && attempt < MaxComputeAttempts)
            {
                // Changed between our read and our write: compute again from the new version.
            }
        }
    }

    /// <summary>
    /// Records matching <paramref name="domain"/> in id order, at most <paramref name="limit"/>, with the cursor of the
    /// next page (null at the end). The part of the domain Table storage can evaluate exactly is sent as the
    /// <c>$filter</c>; the rest is evaluated in memory. A domain that does not fit the model is a
    /// <see cref="RecordValidationException"/> keyed <c>domain</c>.
    /// </summary>
    public async Task<RecordPage> SearchAsync(ModelDefinition model, Domains.Domain domain, int limit, string? cursor,
        CancellationToken cancellationToken)
    {
        Domains.CompiledDomain compiled;
        try
        {
            compiled = await Domains.DomainCompiler.CompileAsync(model, domain, models, cancellationToken);
        }
        catch (Domains.DomainException e)
        {
            throw new RecordValidationException(new Dictionary<string, string[]> { ["domain"] = [e.Message] });
        }

        return await Domains.DomainSearch.SearchAsync(store, compiled, limit, cursor, cancellationToken);
    }

    public Task DeleteAsync(ModelDefinition model, long id, string? ifMatch, ChangeContext context, CancellationToken cancellationToken) =>
        store.DeleteAsync(model, id, ifMatch, context, cancellationToken);

    /// <summary>The record in API JSON, with its one2many values read from the inverse fields.</summary>
    /// <param name="loadOne2many">Which one2many fields may be non-empty (default: all). A new record's are known to be
    /// empty unless its create named them, which spares a scan of the related model.</param>
    public async Task<JsonObject> ToJsonAsync(ModelDefinition model, RecordData record, IReadOnlyCollection<string>? fields,
        CancellationToken cancellationToken, Func<string, bool>? loadOne2many = null)
    {
        Dictionary<string, IReadOnlyList<long>>? one2many = null;
        foreach (var field in model.Fields.Where(f => f.Type == FieldType.One2many && (fields is null || fields.Contains(f.Name))))
        {
            if (loadOne2many?.Invoke(field.Name) == false)
            {
                (one2many ??= new(StringComparer.Ordinal))[field.Name] = [];
                continue;
            }

            var related = await ModelAsync(field.Relation!, cancellationToken);
            (one2many ??= new(StringComparer.Ordinal))[field.Name] = await InverseIdsAsync(related, field.InverseName!, record.Id, cancellationToken);
        }

        return RecordJson.ToJson(model, record, fields, displayName: null, one2many);
    }

    private async Task<RecordData> CreateAsync(ModelDefinition model, JsonNode? values, ChangeContext context, int depth,
        CancellationToken cancellationToken)
    {
        var parsed = Parse(model, values, RecordParseMode.Create);
        var stored = RecordJson.ApplyDefaults(model, parsed.Values);
        var many2many = parsed.Commands.Where(c => model.Field(c.Key)!.Type == FieldType.Many2many).ToDictionary(c => c.Key, c => c.Value);
        if (many2many.Count > 0)
        {
            await ApplyCommandsAsync(model, 0, null, many2many, stored, context, depth, cancellationToken);
        }

        if (computed is not null && model.Fields.Any(f => f.IsComputed))
        {
            foreach (var (name, value) in await computed.ComputeAsync(model, 0, stored, null, cancellationToken))
            {
                stored[name] = value;
            }
        }

        var record = await store.CreateAsync(model, stored, context, cancellationToken);

        // one2many links point back at the new record, so they can only be made once it exists.
        var one2many = parsed.Commands.Where(c => model.Field(c.Key)!.Type == FieldType.One2many).ToDictionary(c => c.Key, c => c.Value);
        if (one2many.Count > 0)
        {
            await ApplyCommandsAsync(model, record.Id, record, one2many, stored, context, depth, cancellationToken);
        }

        return record;
    }

    private async Task ApplyCommandsAsync(ModelDefinition model, long id, RecordData? current,
        IReadOnlyDictionary<string, IReadOnlyList<X2ManyCommand>> commands, Dictionary<string, object?> stored, ChangeContext context,
        int depth, CancellationToken cancellationToken)
    {
        if (depth >= MaxNesting)
        {
            throw Invalid(commands.Keys.First(), $"Nested record creation is limited to {MaxNesting} levels.");
        }

        foreach (var (name, list) in commands)
        {
            var field = model.Field(name)!;
            var related = await ModelAsync(field.Relation!, cancellationToken);
            var created = new Dictionary<X2ManyCommand, long>();
            foreach (var command in list)
            {
                switch (command.Operation)
                {
                    case X2ManyOperation.Create:
                        var values = command.Values?.DeepClone().AsObject() ?? [];
                        if (field.Type == FieldType.One2many)
                        {
                            values[field.InverseName!] = id;
                        }

                        created[command] = (await CreateAsync(related, values, context, depth + 1, cancellationToken)).Id;
                        break;
                    case X2ManyOperation.Update:
                        await WriteAsync(related, command.Id, command.Values, null, context, cancellationToken);
                        break;
                    case X2ManyOperation.Delete:
                        await store.DeleteAsync(related, command.Id, null, context, cancellationToken);
                        break;
                    default:
                        break;
                }
            }

            if (field.Type == FieldType.Many2many)
            {
                var before = current?[name] as IReadOnlyList<long> ?? [];
                stored[name] = X2ManyCommand.ApplyLinks(before, list, c => created.TryGetValue(c, out var newId) ? newId : null);
                continue;
            }

            // one2many: the inverse many2one of each related record decides membership.
            var linked = await InverseIdsAsync(related, field.InverseName!, id, cancellationToken);
            var wanted = X2ManyCommand.ApplyLinks(linked, list, c => created.TryGetValue(c, out var newId) ? newId : null);
            var deleted = list.Where(c => c.Operation == X2ManyOperation.Delete).Select(c => c.Id).ToHashSet();
            foreach (var gone in linked.Except(wanted).Where(g => !deleted.Contains(g)))
            {
                await store.WriteAsync(related, gone, new Dictionary<string, object?> { [field.InverseName!] = null }, null, context, cancellationToken);
            }

            foreach (var added in wanted.Except(linked).Where(a => !created.ContainsValue(a)))
            {
                if (await store.FindAsync(related, added, cancellationToken) is null)
                {
                    throw Invalid(name, $"{related.Name} record {added} does not exist.");
                }

                await store.WriteAsync(related, added, new Dictionary<string, object?> { [field.InverseName!] = id }, null, context, cancellationToken);
            }
        }
    }

    private async Task<IReadOnlyList<long>> InverseIdsAsync(ModelDefinition related, string inverse, long id, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var page = await store.ListAsync(related, $"{inverse} eq {id.ToString(CultureInfo.InvariantCulture)}L", 1000, cursor, cancellationToken);
            ids.AddRange(page.Records.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return ids;
    }

    private static ParsedValues Parse(ModelDefinition model, JsonNode? values, RecordParseMode mode)
    {
        var parsed = RecordJson.ParseValues(model, values, mode);
        return parsed.IsValid ? parsed : throw new RecordValidationException(parsed.Errors.ToDictionary());
    }

    private static RecordValidationException Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>No model has that name (HTTP 404).</summary>
public sealed class UnknownModelException(string model) : Exception($"There is no model '{model}'.")
{
    public string Model { get; } = model;
}
