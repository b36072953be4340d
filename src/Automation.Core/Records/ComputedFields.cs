using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Rules;
using Automation.Scripting;
using Automation.Scripting.Odoo;

namespace Automation.Core.Records;

/// <summary>A record whose computed fields must be recomputed because something they depend on changed elsewhere.</summary>
public sealed record Dependent(ModelDefinition Model, long Id, IReadOnlyList<string> Fields);

/// <summary>
/// Stored computed and related fields (Odoo's <c>compute</c>/<c>depends</c> and <c>related</c>, as Studio defines them).
/// A record's own changes recompute its fields inside the same write (<see cref="ComputeAsync"/>), so the change event
/// carries both, as in Odoo; a change of a record another record depends on through a many2one path is found by
/// <see cref="DependentsAsync"/> when its event is handled, durably, and those records are rewritten then.
/// </summary>
public sealed class ComputedFields(IModelRegistry models, IRecordStore store, ScriptEngine scripts)
{
    /// <summary>Most records one change recomputes; more is refused rather than silently truncated.</summary>
    public const int MaxDependents = 10_000;

    private static readonly ConditionalWeakTable<IReadOnlyList<ModelDefinition>, DependencyIndex> Indexes = new();

    /// <summary>
    /// The values of <paramref name="model"/>'s computed fields that depend on <paramref name="changed"/> (all of them
    /// when null), for the record whose values would be <paramref name="values"/>; in declaration order, so a computed
    /// field sees the ones declared before it. Compute code errors are validation errors keyed by the field.
    /// </summary>
    public async Task<Dictionary<string, object?>> ComputeAsync(ModelDefinition model, long id, IReadOnlyDictionary<string, object?> values,
        IReadOnlyCollection<string>? changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var working = new Dictionary<string, object?>(values, StringComparer.Ordinal);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var dirty = changed is null ? null : new HashSet<string>(changed, StringComparer.Ordinal);
        foreach (var field in model.Fields.Where(f => f.IsComputed))
        {
            if (dirty is not null && !field.Dependencies.Any(d => dirty.Contains(First(d))))
            {
                continue;
            }

            var value = field.Related is { } path
                ? await FollowAsync(model, working, path, cancellationToken)
                : await RunComputeAsync(model, id, working, field, cancellationToken);
            working[field.Name] = value;
            result[field.Name] = value;
            dirty?.Add(field.Name);
        }

        return result;
    }

    /// <summary>
    /// The records of any model whose computed fields read <paramref name="changed"/> fields of this record through a
    /// many2one path (all fields when null: a create or a delete), with the fields to recompute.
    /// </summary>
    public async Task<IReadOnlyList<Dependent>> DependentsAsync(ModelDefinition model, long id, IReadOnlyCollection<string>? changed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var all = await models.ListAsync(cancellationToken);
        var index = Indexes.GetValue(all, DependencyIndex.Build);
        if (!index.ByTarget.TryGetValue(model.Name, out var edges))
        {
            return [];
        }

        var found = new Dictionary<(string Model, long Id), (ModelDefinition Model, HashSet<string> Fields)>();
        foreach (var edge in edges.Where(e => changed is null || changed.Contains(e.Field)))
        {
            // Walk the path back from this record to the dependent model: records whose segment points at the ids found so far.
            IReadOnlyCollection<long> ids = [id];
            for (var i = edge.Via.Count - 1; i >= 0 && ids.Count > 0; i--)
            {
                ids = await ReferencingAsync(edge.Via[i].Model, edge.Via[i].Field, ids, cancellationToken);
            }

            foreach (var dependent in ids)
            {
                var key = (edge.Dependent.Name, dependent);
                if (!found.TryGetValue(key, out var entry))
                {
                    found[key] = entry = (edge.Dependent, new HashSet<string>(StringComparer.Ordinal));
                }

                entry.Fields.Add(edge.ComputedField);
            }

            if (found.Count > MaxDependents)
            {
                throw new InvalidOperationException(
                    $"Changing {model.Name} {id} would recompute more than {MaxDependents:N0} records; computed fields are not meant for that fan-out.");
            }
        }

        return [.. found.Select(f => new Dependent(f.Value.Model, f.Key.Id, [.. f.Value.Fields]))];
    }

    private async Task<IReadOnlyCollection<long>> ReferencingAsync(ModelDefinition model, string field, IReadOnlyCollection<long> ids,
        CancellationToken cancellationToken)
    {
        var result = new HashSet<long>();
        foreach (var chunk in ids.Chunk(10))
        {
            var filter = string.Join(" or ", chunk.Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{field} eq {i}L")));
            string? cursor = null;
            do
            {
                var page = await store.ListAsync(model, filter, 1000, cursor, cancellationToken);
                result.UnionWith(page.Records.Select(r => r.Id));
                cursor = page.NextCursor;
            }
            while (cursor is not null && result.Count <= MaxDependents);
        }

        return result;
    }

    /// <summary>The value at a many2one path; empty when a link on the way is empty or gone.</summary>
    private async Task<object?> FollowAsync(ModelDefinition model, IReadOnlyDictionary<string, object?> values, string path, CancellationToken cancellationToken)
    {
        var segments = path.Split('.');
        var current = model;
        var currentValues = values;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var link = current.Field(segments[i])!;
            var next = await models.FindAsync(link.Relation!, cancellationToken);
            var target = currentValues.GetValueOrDefault(segments[i]) is long linked && next is not null
                ? await store.FindAsync(next, linked, cancellationToken)
                : null;
            if (target is null || next is null)
            {
                var last = await LastFieldAsync(next ?? current, segments[(i + 1)..], cancellationToken);
                return last is null ? null : FieldValues.Empty(last);
            }

            current = next;
            currentValues = target.Values;
        }

        return current.Field(segments[^1]) is { } field
            ? currentValues.GetValueOrDefault(field.Name) ?? FieldValues.Empty(field)
            : currentValues.GetValueOrDefault(segments[^1]);
    }

    private async Task<FieldDefinition?> LastFieldAsync(ModelDefinition model, string[] segments, CancellationToken cancellationToken)
    {
        var current = model;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            current = await models.FindAsync(current.Field(segments[i])?.Relation ?? "", cancellationToken);
            if (current is null)
            {
                return null;
            }
        }

        return current.Field(segments[^1]);
    }

    private async Task<object?> RunComputeAsync(ModelDefinition model, long id, Dictionary<string, object?> working, FieldDefinition field,
        CancellationToken cancellationToken)
    {
        var reader = new RecordScriptEnvironment(new RecordService(models, store), models, ChangeContext.External());
        var environment = new PendingRecordEnvironment(reader, model, id, working, computedOnly: true);
        try
        {
            var script = scripts.Compile(field.Compute!);
            await ScriptThreads.RunAsync(() => scripts.Execute(script, new ScriptContext
            {
                Environment = environment,
                Model = model.Name,
                RecordIds = [id],
                SelfIsRecords = true,
                Cancellation = cancellationToken,
            }));
        }
        catch (Exception e) when (e is ScriptRuntimeException or ScriptSyntaxException)
        {
            throw new RecordValidationException(new Dictionary<string, string[]> { [field.Name] = [$"Computing {field.Name} failed: {e.Message}"] });
        }

        return environment.Assigned.Contains(field.Name)
            ? working.GetValueOrDefault(field.Name)
            : throw new RecordValidationException(new Dictionary<string, string[]>
            {
                [field.Name] = [$"Compute method failed to assign {model.Name}({id}).{field.Name}"],
            });
    }

    private static string First(string path) => path.Split('.')[0];

    /// <summary>One hop of a dependency path: records of <paramref name="Model"/> point on through <paramref name="Field"/>.</summary>
    private sealed record Hop(ModelDefinition Model, string Field);

    /// <summary><paramref name="ComputedField"/> of <paramref name="Dependent"/> reads <paramref name="Field"/> of the target model through <paramref name="Via"/>.</summary>
    private sealed record Edge(ModelDefinition Dependent, string ComputedField, IReadOnlyList<Hop> Via, string Field);

    private sealed class DependencyIndex
    {
        public Dictionary<string, List<Edge>> ByTarget { get; } = new(StringComparer.Ordinal);

        public static DependencyIndex Build(IReadOnlyList<ModelDefinition> all)
        {
            var byName = all.ToDictionary(m => m.Name, StringComparer.Ordinal);
            var index = new DependencyIndex();
            foreach (var model in all)
            {
                foreach (var field in model.Fields.Where(f => f.IsComputed))
                {
                    foreach (var path in field.Dependencies)
                    {
                        var segments = path.Split('.');
                        var hops = new List<Hop>();
                        var current = model;
                        for (var i = 0; i < segments.Length - 1; i++)
                        {
                            var link = current.Field(segments[i]);
                            if (link?.Relation is null || !byName.TryGetValue(link.Relation, out var next))
                            {
                                break;
                            }

                            hops.Add(new Hop(current, link.Name));
                            current = next;
                            // Every model reached is a target: a change of the segment leaving it (a link or the last field) matters.
                            if (!index.ByTarget.TryGetValue(current.Name, out var edges))
                            {
                                index.ByTarget[current.Name] = edges = [];
                            }

                            edges.Add(new Edge(model, field.Name, [.. hops], segments[i + 1]));
                        }
                    }
                }
            }

            return index;
        }
    }
}
