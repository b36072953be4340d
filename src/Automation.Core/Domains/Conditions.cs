using System.Globalization;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Domains;

/// <summary>Operators after normalization: aliases resolved, <c>= False</c> is <see cref="NotSet"/>, <c>!= False</c> <see cref="Set"/>.</summary>
internal enum Op
{
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Like,
    NotLike,
    ILike,
    NotILike,
    EqLike,
    NotEqLike,
    EqILike,
    NotEqILike,
    Set,
    NotSet,
}

/// <summary>Where a field's value comes from: a stored field or one of the magic fields every record has.</summary>
internal enum FieldSource
{
    Stored,
    Id,
    CreateDate,
    WriteDate,
    DisplayName,
}

/// <summary>A compiled domain node. Local conditions decide on one record without loading anything else.</summary>
internal abstract class Condition
{
    public virtual bool IsLocal => true;

    public abstract bool Match(RecordData record);
}

internal sealed class ConstantCondition(bool value) : Condition
{
    public static readonly ConstantCondition True = new(true);
    public static readonly ConstantCondition False = new(false);

    public bool Value { get; } = value;

    public override bool Match(RecordData record) => Value;
}

internal sealed class AndCondition(Condition[] children) : Condition
{
    public Condition[] Children { get; } = children;

    public override bool IsLocal { get; } = children.All(c => c.IsLocal);

    public override bool Match(RecordData record)
    {
        foreach (var child in Children)
        {
            if (!child.Match(record))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrCondition(Condition[] children) : Condition
{
    public Condition[] Children { get; } = children;

    public override bool IsLocal { get; } = children.All(c => c.IsLocal);

    public override bool Match(RecordData record)
    {
        foreach (var child in Children)
        {
            if (child.Match(record))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NotCondition(Condition child) : Condition
{
    public Condition Child { get; } = child;

    public override bool IsLocal => Child.IsLocal;

    public override bool Match(RecordData record) => !Child.Match(record);
}

/// <summary>A leaf on one field of the record itself (no path).</summary>
internal abstract class FieldCondition(FieldTarget target, Op op) : Condition
{
    public FieldTarget Target { get; } = target;

    public Op Op { get; } = op;
}

/// <summary>The field a leaf reads and how to read it without allocating.</summary>
internal sealed class FieldTarget(ModelDefinition model, string name, FieldType type, FieldSource source)
{
    public ModelDefinition Model { get; } = model;

    public string Name { get; } = name;

    public FieldType Type { get; } = type;

    public FieldSource Source { get; } = source;

    public object? Raw(RecordData r) => r.Values.GetValueOrDefault(Name);

    public long ReadLong(RecordData r) => Source == FieldSource.Id ? r.Id : FieldValues.AsLong(r.Values.GetValueOrDefault(Name));

    public double ReadDouble(RecordData r) => Source == FieldSource.Id ? r.Id : FieldValues.AsDouble(r.Values.GetValueOrDefault(Name));

    public string? ReadText(RecordData r)
    {
        if (Source == FieldSource.DisplayName)
        {
            return RecordJson.DefaultDisplayName(Model, r);
        }

        return r.Values.GetValueOrDefault(Name) switch
        {
            null => null,
            string { Length: 0 } => null,
            string s => s,
            var other => Convert.ToString(other, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : null,
        };
    }

    public DateOnly? ReadDate(RecordData r) => r.Values.GetValueOrDefault(Name) switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        _ => null,
    };

    public DateTime? ReadDateTime(RecordData r) => Source switch
    {
        FieldSource.CreateDate => r.CreateDate,
        FieldSource.WriteDate => r.WriteDate,
        _ => r.Values.GetValueOrDefault(Name) switch
        {
            DateTime dt => dt,
            DateTimeOffset dto => dto.UtcDateTime,
            _ => null,
        },
    };

    public IReadOnlyList<long> ReadIds(RecordData r) => r.Values.GetValueOrDefault(Name) switch
    {
        IReadOnlyList<long> ids => ids,
        IEnumerable<long> ids => ids.ToList(),
        _ => [],
    };

    public bool HasValue(RecordData r) => r.Values.ContainsKey(Name);
}

/// <summary>integer, float, monetary and <c>id</c>: empty is 0 and compares as 0 (spec §7.2).</summary>
internal sealed class NumberCondition : FieldCondition
{
    private readonly bool _integral;
    private readonly long _long;
    private readonly double _double;
    private readonly HashSet<long>? _longs;
    private readonly HashSet<double>? _doubles;

    public NumberCondition(FieldTarget target, Op op, IReadOnlyList<double> values)
        : base(target, op)
    {
        Values = values;
        _integral = target.Type is not (FieldType.Float or FieldType.Monetary) && values.All(v => v == Math.Floor(v) && Math.Abs(v) < 9e18);
        if (values.Count > 0)
        {
            _double = values[0];
            _long = _integral ? (long)values[0] : 0;
        }

        if (op is Op.In or Op.NotIn)
        {
            if (_integral)
            {
                _longs = [.. values.Select(v => (long)v)];
            }
            else
            {
                _doubles = [.. values];
            }
        }
    }

    public IReadOnlyList<double> Values { get; }

    public override bool Match(RecordData record)
    {
        if (_integral)
        {
            var x = Target.ReadLong(record);
            return Op switch
            {
                Op.Eq => x == _long,
                Op.Ne => x != _long,
                Op.Lt => x < _long,
                Op.Le => x <= _long,
                Op.Gt => x > _long,
                Op.Ge => x >= _long,
                Op.In => _longs!.Contains(x),
                Op.NotIn => !_longs!.Contains(x),
                Op.Set => x != 0,
                _ => x == 0,
            };
        }

        var d = Target.ReadDouble(record);
        return Op switch
        {
            Op.Eq => d == _double,
            Op.Ne => d != _double,
            Op.Lt => d < _double,
            Op.Le => d <= _double,
            Op.Gt => d > _double,
            Op.Ge => d >= _double,
            Op.In => _doubles!.Contains(d),
            Op.NotIn => !_doubles!.Contains(d),
            Op.Set => d != 0,
            _ => d == 0,
        };
    }
}

/// <summary>boolean: empty is false; the outcome for true and for false is decided once at compile time.</summary>
internal sealed class BooleanCondition(FieldTarget target, Op op, bool whenTrue, bool whenFalse) : FieldCondition(target, op)
{
    public bool WhenTrue { get; } = whenTrue;

    public bool WhenFalse { get; } = whenFalse;

    public override bool Match(RecordData record) => Target.Raw(record) is true ? WhenTrue : WhenFalse;
}

/// <summary>char, text, html, selection, display_name: <c>''</c> is not set; negative operators match empty values.</summary>
internal sealed class TextCondition : FieldCondition
{
    private readonly HashSet<string>? _set;
    private readonly LikePattern? _pattern;

    public TextCondition(FieldTarget target, Op op, string? value, IReadOnlyList<string>? values = null, bool listHasFalse = false)
        : base(target, op)
    {
        Value = value;
        Values = values ?? [];
        ListHasFalse = listHasFalse;
        if (op is Op.In or Op.NotIn)
        {
            _set = new HashSet<string>(Values, StringComparer.Ordinal);
        }

        if (op is Op.Like or Op.NotLike or Op.ILike or Op.NotILike or Op.EqLike or Op.NotEqLike or Op.EqILike or Op.NotEqILike)
        {
            _pattern = new LikePattern(value ?? "", ignoreCase: op is Op.ILike or Op.NotILike or Op.EqILike or Op.NotEqILike,
                wrap: op is Op.Like or Op.NotLike or Op.ILike or Op.NotILike);
        }
    }

    public string? Value { get; }

    public IReadOnlyList<string> Values { get; }

    public bool ListHasFalse { get; }

    public override bool Match(RecordData record)
    {
        var x = Target.ReadText(record);
        return Op switch
        {
            Op.Eq => x is not null && string.Equals(x, Value, StringComparison.Ordinal),
            Op.Ne => x is null || !string.Equals(x, Value, StringComparison.Ordinal),
            Op.Lt => x is not null && string.CompareOrdinal(x, Value) < 0,
            Op.Le => x is not null && string.CompareOrdinal(x, Value) <= 0,
            Op.Gt => x is not null && string.CompareOrdinal(x, Value) > 0,
            Op.Ge => x is not null && string.CompareOrdinal(x, Value) >= 0,
            Op.In => x is null ? ListHasFalse : _set!.Contains(x),
            Op.NotIn => x is null ? !ListHasFalse : !_set!.Contains(x),
            Op.Set => x is not null,
            Op.NotSet => x is null,
            Op.Like or Op.ILike or Op.EqLike or Op.EqILike => x is not null && _pattern!.IsMatch(x),
            _ => x is null || !_pattern!.IsMatch(x),
        };
    }
}

/// <summary>date: empty never satisfies an ordering; negative operators match empty values.</summary>
internal sealed class DateCondition : FieldCondition
{
    private readonly HashSet<DateOnly>? _set;

    public DateCondition(FieldTarget target, Op op, DateOnly value, IReadOnlyList<DateOnly>? values = null, bool listHasFalse = false)
        : base(target, op)
    {
        Value = value;
        Values = values ?? [];
        ListHasFalse = listHasFalse;
        _set = op is Op.In or Op.NotIn ? [.. Values] : null;
    }

    public DateOnly Value { get; }

    public IReadOnlyList<DateOnly> Values { get; }

    public bool ListHasFalse { get; }

    public override bool Match(RecordData record)
    {
        var x = Target.ReadDate(record);
        if (x is not { } d)
        {
            return Op switch
            {
                Op.Ne or Op.NotSet => true,
                Op.In => ListHasFalse,
                Op.NotIn => !ListHasFalse,
                _ => false,
            };
        }

        return Op switch
        {
            Op.Eq => d == Value,
            Op.Ne => d != Value,
            Op.Lt => d < Value,
            Op.Le => d <= Value,
            Op.Gt => d > Value,
            Op.Ge => d >= Value,
            Op.In => _set!.Contains(d),
            Op.NotIn => !_set!.Contains(d),
            Op.Set => true,
            _ => false,
        };
    }
}

/// <summary>datetime (and create_date/write_date), compared to the second in UTC.</summary>
internal sealed class DateTimeCondition : FieldCondition
{
    private readonly HashSet<DateTime>? _set;

    public DateTimeCondition(FieldTarget target, Op op, DateTime value, IReadOnlyList<DateTime>? values = null, bool listHasFalse = false)
        : base(target, op)
    {
        Value = value;
        Values = values ?? [];
        ListHasFalse = listHasFalse;
        _set = op is Op.In or Op.NotIn ? [.. Values.Select(v => v.Ticks).Select(t => new DateTime(t, DateTimeKind.Utc))] : null;
    }

    public DateTime Value { get; }

    public IReadOnlyList<DateTime> Values { get; }

    public bool ListHasFalse { get; }

    public override bool Match(RecordData record)
    {
        var x = Target.ReadDateTime(record);
        if (x is not { } value)
        {
            return Op switch
            {
                Op.Ne or Op.NotSet => true,
                Op.In => ListHasFalse,
                Op.NotIn => !ListHasFalse,
                _ => false,
            };
        }

        var t = value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond);
        var v = Value.Ticks;
        return Op switch
        {
            Op.Eq => t == v,
            Op.Ne => t != v,
            Op.Lt => t < v,
            Op.Le => t <= v,
            Op.Gt => t > v,
            Op.Ge => t >= v,
            Op.In => _set!.Contains(new DateTime(t, DateTimeKind.Utc)),
            Op.NotIn => !_set!.Contains(new DateTime(t, DateTimeKind.Utc)),
            Op.Set => true,
            _ => false,
        };
    }
}

/// <summary>many2one compared by id: 0/null is not set; orderings never match an empty value (SQL NULL).</summary>
internal sealed class Many2oneCondition : FieldCondition
{
    private readonly HashSet<long>? _set;

    public Many2oneCondition(FieldTarget target, Op op, long value, IReadOnlyList<long>? values = null, bool listHasFalse = false)
        : base(target, op)
    {
        Value = value;
        Values = values ?? [];
        ListHasFalse = listHasFalse;
        _set = op is Op.In or Op.NotIn ? [.. Values] : null;
    }

    public long Value { get; }

    public IReadOnlyList<long> Values { get; }

    public bool ListHasFalse { get; }

    public override bool Match(RecordData record)
    {
        var x = Target.ReadLong(record);
        if (x == 0)
        {
            return Op switch
            {
                Op.Ne or Op.NotSet => true,
                Op.In => ListHasFalse,
                Op.NotIn => !ListHasFalse,
                _ => false,
            };
        }

        return Op switch
        {
            Op.Eq => x == Value,
            Op.Ne => x != Value,
            Op.Lt => x < Value,
            Op.Le => x <= Value,
            Op.Gt => x > Value,
            Op.Ge => x >= Value,
            Op.In => _set!.Contains(x),
            Op.NotIn => !_set!.Contains(x),
            Op.Set => true,
            _ => false,
        };
    }
}

/// <summary>
/// many2many / one2many compared by ids (spec §7.2): <c>in</c> = at least one linked id in the list, <c>not in</c> = none
/// of them; <c>= id</c> = contains, <c>!= id</c> = does not contain; <c>False</c> in a list also matches "no ids".
/// one2many ids live on the related records, so outside an image the evaluator reads them through the inverse field.
/// </summary>
internal sealed class ToManyCondition : FieldCondition
{
    private readonly HashSet<long> _set;

    public ToManyCondition(FieldTarget target, Op op, IReadOnlyList<long> values, bool listHasFalse, string? inverse, ModelDefinition? related)
        : base(target, op)
    {
        Related = related;
        Values = values;
        ListHasFalse = listHasFalse;
        Inverse = inverse;
        _set = [.. values];
    }

    public IReadOnlyList<long> Values { get; }

    public bool ListHasFalse { get; }

    /// <summary>For one2many: the many2one on the related model pointing back.</summary>
    public string? Inverse { get; }

    /// <summary>For one2many: the related model, read through <see cref="Inverse"/>.</summary>
    public ModelDefinition? Related { get; }

    public override bool IsLocal => Target.Type == FieldType.Many2many;

    public override bool Match(RecordData record) => MatchIds(Target.ReadIds(record));

    public bool MatchIds(IReadOnlyList<long> ids)
    {
        if (ids.Count == 0)
        {
            return Op switch
            {
                Op.Ne or Op.NotSet => true,
                Op.In => ListHasFalse,
                Op.NotIn => !ListHasFalse,
                _ => false,
            };
        }

        var any = false;
        foreach (var id in ids)
        {
            if (_set.Contains(id))
            {
                any = true;
                break;
            }
        }

        return Op switch
        {
            Op.Eq or Op.In => any,
            Op.Ne or Op.NotIn => !any,
            Op.Set => true,
            _ => false,
        };
    }
}

/// <summary>json fields can only be tested for set / not set.</summary>
internal sealed class JsonCondition(FieldTarget target, Op op) : FieldCondition(target, op)
{
    public override bool Match(RecordData record)
    {
        var set = Target.Raw(record) is System.Text.Json.Nodes.JsonNode node && node.GetValueKind() != System.Text.Json.JsonValueKind.Null;
        return Op == Op.Set ? set : !set;
    }
}

/// <summary><c>any</c> / <c>not any</c> and dotted paths: some related record satisfies <see cref="Sub"/>.</summary>
internal sealed class AnyCondition(FieldTarget target, ModelDefinition related, Condition sub, bool negate, string? inverse) : Condition
{
    public FieldTarget Target { get; } = target;

    public ModelDefinition Related { get; } = related;

    public Condition Sub { get; } = sub;

    public bool Negate { get; } = negate;

    public string? Inverse { get; } = inverse;

    public override bool IsLocal => false;

    public override bool Match(RecordData record) =>
        throw new InvalidOperationException("A condition on related records needs the evaluator's record source.");
}

/// <summary><c>child_of</c> / <c>parent_of</c> on a model's own ids through its parent field.</summary>
internal sealed class HierarchyCondition(ModelDefinition model, string parentField, bool childOf, IReadOnlyList<long> ids,
    IReadOnlyList<string> names) : Condition
{
    public ModelDefinition Model { get; } = model;

    public string ParentField { get; } = parentField;

    public bool ChildOf { get; } = childOf;

    public HashSet<long> Ids { get; } = [.. ids];

    public IReadOnlyList<LikePattern> Names { get; } = names.Select(n => new LikePattern(n, ignoreCase: true, wrap: true)).ToList();

    public override bool IsLocal => false;

    public override bool Match(RecordData record) =>
        throw new InvalidOperationException("A hierarchy condition needs the evaluator's record source.");
}
