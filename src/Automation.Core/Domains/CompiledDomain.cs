using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Domains;

/// <summary>
/// Where the evaluator reads related records (dotted paths, <c>any</c>, one2many, <c>child_of</c>). Calls are batched:
/// one call per path level for a whole record set, never one per record.
/// </summary>
public interface IDomainRecordSource
{
    /// <summary>The records that exist among <paramref name="ids"/> (any order).</summary>
    Task<IReadOnlyList<RecordData>> LoadAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>The records of <paramref name="model"/> whose many2one <paramref name="inverseField"/> is one of <paramref name="ids"/> (one2many values).</summary>
    Task<IReadOnlyList<RecordData>> LoadByInverseAsync(ModelDefinition model, string inverseField, IReadOnlyCollection<long> ids,
        CancellationToken cancellationToken);
}

/// <summary>A domain bound to a model: evaluate it on records in memory, or split it for storage (<see cref="DomainPushdown"/>).</summary>
public sealed class CompiledDomain
{
    /// <summary>How far <c>child_of</c>/<c>parent_of</c> climb; deeper hierarchies (or cycles) stop there.</summary>
    public const int MaxHierarchyDepth = 64;

    internal CompiledDomain(ModelDefinition model, Domain source, Condition root)
    {
        Model = model;
        Source = source;
        Root = root;
        Predicate = root.IsLocal ? root.Match : null;
    }

    public ModelDefinition Model { get; }

    public Domain Source { get; }

    internal Condition Root { get; }

    /// <summary>Whether the domain decides on a record alone (no paths, <c>any</c>, one2many or hierarchy).</summary>
    public bool IsLocal => Root.IsLocal;

    /// <summary>Whether the domain matches every record.</summary>
    public bool IsAll => Root is ConstantCondition { Value: true };

    /// <summary>The compiled test for local domains (no allocation per call); null when related records are needed.</summary>
    public Func<RecordData, bool>? Predicate { get; }

    /// <summary>Tests one record of a local domain.</summary>
    public bool Matches(RecordData record) =>
        Predicate is { } predicate ? predicate(record) : throw new InvalidOperationException("This domain reads related records: use MatchesAsync.");

    public async Task<bool> MatchesAsync(RecordData record, IDomainRecordSource source, CancellationToken cancellationToken) =>
        Predicate is { } predicate ? predicate(record) : (await EvaluateAsync(Root, [record], source, cancellationToken))[0];

    /// <summary>Tests a record JSON image, e.g. the before/after of a change event (one2many ids in the image are used as they are).</summary>
    public Task<bool> MatchesImageAsync(JsonObject image, IDomainRecordSource source, CancellationToken cancellationToken) =>
        MatchesAsync(RecordImages.FromJson(Model, image), source, cancellationToken);

    /// <summary>The records that match, in their order.</summary>
    public async Task<IReadOnlyList<RecordData>> FilterAsync(IReadOnlyList<RecordData> records, IDomainRecordSource source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (Predicate is { } predicate)
        {
            return records.Where(predicate).ToList();
        }

        var matches = await EvaluateAsync(Root, records, source, cancellationToken);
        return records.Where((_, i) => matches[i]).ToList();
    }

    internal static async Task<bool[]> EvaluateAsync(Condition condition, IReadOnlyList<RecordData> records, IDomainRecordSource source,
        CancellationToken cancellationToken)
    {
        var result = new bool[records.Count];
        if (records.Count == 0)
        {
            return result;
        }

        switch (condition)
        {
            case { IsLocal: true }:
                for (var i = 0; i < records.Count; i++)
                {
                    result[i] = condition.Match(records[i]);
                }

                return result;
            case AndCondition and:
                {
                    Array.Fill(result, true);
                    foreach (var child in and.Children.OrderBy(c => c.IsLocal ? 0 : 1))
                    {
                        var open = Enumerable.Range(0, records.Count).Where(i => result[i]).ToList();
                        var sub = await EvaluateAsync(child, open.Select(i => records[i]).ToList(), source, cancellationToken);
                        for (var k = 0; k < open.Count; k++)
                        {
                            result[open[k]] = sub[k];
                        }
                    }

                    return result;
                }

            case OrCondition or:
                {
                    foreach (var child in or.Children.OrderBy(c => c.IsLocal ? 0 : 1))
                    {
                        var open = Enumerable.Range(0, records.Count).Where(i => !result[i]).ToList();
                        var sub = await EvaluateAsync(child, open.Select(i => records[i]).ToList(), source, cancellationToken);
                        for (var k = 0; k < open.Count; k++)
                        {
                            result[open[k]] = sub[k];
                        }
                    }

                    return result;
                }

            case NotCondition not:
                {
                    var sub = await EvaluateAsync(not.Child, records, source, cancellationToken);
                    for (var i = 0; i < sub.Length; i++)
                    {
                        result[i] = !sub[i];
                    }

                    return result;
                }

            case ToManyCondition toMany:
                {
                    var ids = await RelatedIdsAsync(toMany.Target, toMany.Inverse, toMany.Related, records, source, cancellationToken);
                    for (var i = 0; i < records.Count; i++)
                    {
                        result[i] = toMany.MatchIds(ids[i]);
                    }

                    return result;
                }

            case AnyCondition any:
                return await AnyAsync(any, records, source, cancellationToken);
            case HierarchyCondition hierarchy:
                return await HierarchyAsync(hierarchy, records, source, cancellationToken);
            default:
                throw new InvalidOperationException($"Unexpected condition {condition.GetType().Name}.");
        }
    }

    /// <summary>The related ids of each record: stored ids, or for one2many the inverse records (unless the image carries them).</summary>
    private static async Task<IReadOnlyList<long>[]> RelatedIdsAsync(FieldTarget target, string? inverse, ModelDefinition? related,
        IReadOnlyList<RecordData> records,
        IDomainRecordSource source, CancellationToken cancellationToken)
    {
        var ids = new IReadOnlyList<long>[records.Count];
        var missing = new List<int>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (target.Type == FieldType.Many2one)
            {
                var id = target.ReadLong(record);
                ids[i] = id == 0 ? [] : [id];
            }
            else if (target.Type == FieldType.One2many && !target.HasValue(record))
            {
                missing.Add(i);
            }
            else
            {
                ids[i] = target.ReadIds(record);
            }
        }

        if (missing.Count > 0)
        {
            var owners = missing.Select(i => records[i].Id).Distinct().ToList();
            var linked = await source.LoadByInverseAsync(related!, inverse!, owners, cancellationToken);
            var byOwner = linked.GroupBy(r => FieldValues.AsLong(r.Values.GetValueOrDefault(inverse!)))
                .ToDictionary(g => g.Key, g => (IReadOnlyList<long>)g.Select(r => r.Id).Order().ToList());
            foreach (var i in missing)
            {
                ids[i] = byOwner.GetValueOrDefault(records[i].Id) ?? [];
            }
        }

        return ids;
    }

    private static async Task<bool[]> AnyAsync(AnyCondition any, IReadOnlyList<RecordData> records, IDomainRecordSource source,
        CancellationToken cancellationToken)
    {
        var result = new bool[records.Count];
        IReadOnlyList<long>[] ids;
        HashSet<long> matching;
        if (any.Target.Type == FieldType.One2many && records.Any(r => !any.Target.HasValue(r)))
        {
            // One query for the related records of the whole set, evaluated once.
            var owners = records.Select(r => r.Id).Distinct().ToList();
            var linked = await source.LoadByInverseAsync(any.Related, any.Inverse!, owners, cancellationToken);
            var sub = await EvaluateAsync(any.Sub, linked, source, cancellationToken);
            matching = [.. linked.Where((_, i) => sub[i]).Select(r => r.Id)];
            var byOwner = linked.GroupBy(r => FieldValues.AsLong(r.Values.GetValueOrDefault(any.Inverse!)))
                .ToDictionary(g => g.Key, g => (IReadOnlyList<long>)g.Select(r => r.Id).ToList());
            ids = records.Select(r => any.Target.HasValue(r) ? any.Target.ReadIds(r) : byOwner.GetValueOrDefault(r.Id) ?? []).ToArray();
        }
        else
        {
            ids = await RelatedIdsAsync(any.Target, any.Inverse, any.Related, records, source, cancellationToken);
            var all = ids.SelectMany(x => x).Distinct().ToList();
            var loaded = all.Count == 0 ? [] : await source.LoadAsync(any.Related, all, cancellationToken);
            var sub = await EvaluateAsync(any.Sub, loaded, source, cancellationToken);
            matching = [.. loaded.Where((_, i) => sub[i]).Select(r => r.Id)];
        }

        for (var i = 0; i < records.Count; i++)
        {
            var found = false;
            foreach (var id in ids[i])
            {
                if (matching.Contains(id))
                {
                    found = true;
                    break;
                }
            }

            result[i] = found != any.Negate;
        }

        return result;
    }

    private static async Task<bool[]> HierarchyAsync(HierarchyCondition h, IReadOnlyList<RecordData> records, IDomainRecordSource source,
        CancellationToken cancellationToken)
    {
        var result = new bool[records.Count];
        var known = new Dictionary<long, RecordData>();
        foreach (var r in records)
        {
            known.TryAdd(r.Id, r);
        }

        async Task LoadAsync(IEnumerable<long> ids)
        {
            var wanted = ids.Where(id => id != 0 && !known.ContainsKey(id)).Distinct().ToList();
            if (wanted.Count > 0)
            {
                foreach (var r in await source.LoadAsync(h.Model, wanted, cancellationToken))
                {
                    known.TryAdd(r.Id, r);
                }

                foreach (var id in wanted.Where(id => !known.ContainsKey(id)))
                {
                    known[id] = null!; // missing: the chain ends
                }
            }
        }

        long Parent(long id) => known.GetValueOrDefault(id) is { } r ? FieldValues.AsLong(r.Values.GetValueOrDefault(h.ParentField)) : 0;

        if (h.ChildOf)
        {
            bool Hit(long id) => h.Ids.Contains(id) || (h.Names.Count > 0 && known.GetValueOrDefault(id) is { } r &&
                RecordJson.DefaultDisplayName(h.Model, r) is var name && h.Names.Any(n => n.IsMatch(name)));

            // Climb all chains one level at a time: one load per level for the whole set.
            var current = records.Select(r => r.Id).ToArray();
            for (var level = 0; level <= MaxHierarchyDepth; level++)
            {
                var open = false;
                for (var i = 0; i < records.Count; i++)
                {
                    if (result[i] || current[i] == 0)
                    {
                        continue;
                    }

                    if (Hit(current[i]))
                    {
                        result[i] = true;
                        current[i] = 0;
                    }
                    else
                    {
                        current[i] = Parent(current[i]);
                        open |= current[i] != 0;
                    }
                }

                if (!open)
                {
                    break;
                }

                await LoadAsync(current);
            }

            return result;
        }

        // parent_of: the targets and all their ancestors.
        var ancestors = new HashSet<long>();
        var frontier = h.Ids.ToList();
        for (var level = 0; level <= MaxHierarchyDepth && frontier.Count > 0; level++)
        {
            await LoadAsync(frontier);
            frontier = frontier.Where(id => known.GetValueOrDefault(id) is not null && ancestors.Add(id)).Select(Parent)
                .Where(p => p != 0 && !ancestors.Contains(p)).Distinct().ToList();
        }

        for (var i = 0; i < records.Count; i++)
        {
            result[i] = ancestors.Contains(records[i].Id);
        }

        return result;
    }
}
