using System.Globalization;
using Automation.Core.Models;

namespace Automation.Core.Domains;

/// <summary>
/// A domain split for storage: <see cref="Filter"/> is a Table <c>$filter</c> that selects exactly the records the
/// pushed part matches, <see cref="Remainder"/> is evaluated in memory on what storage returns. Together they give the
/// same records as evaluating the whole domain in memory.
/// </summary>
public sealed record StoragePlan(string? Filter, int Comparisons, CompiledDomain Remainder, bool MatchesNothing);

/// <summary>
/// Splits a compiled domain into a Table <c>$filter</c> and an in-memory remainder (spec azure-functions-storage §3.4).
/// Only leaves whose storage result is exactly the in-memory result are pushed. The rules come from how records are
/// stored: an empty value is an absent property, and a comparison with an absent property is false. So a condition that
/// is true for the empty value (<c>!=</c>, <c>not in</c>, <c>&lt; 5</c> on a number, <c>= False</c>) cannot be pushed,
/// while its complement can be pushed under a <c>!</c> (negations are pushed into the leaves; <c>not</c> is never sent).
/// </summary>
public static class DomainPushdown
{
    /// <summary>Comparisons the store's own partition filter leaves us (Table storage allows 15).</summary>
    public const int DefaultMaxComparisons = 13;

    /// <summary>Text values longer than this are not pushed (stored text continues in extra properties after 30,000 characters).</summary>
    public const int MaxPushedTextLength = 1024;

    public static StoragePlan Split(CompiledDomain domain, int maxComparisons = DefaultMaxComparisons)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Root is ConstantCondition constant)
        {
            return new StoragePlan(null, 0, domain, MatchesNothing: !constant.Value);
        }

        var conjuncts = domain.Root is AndCondition and ? and.Children : [domain.Root];
        var pushed = new List<Fragment>();
        var remainder = new List<Condition>();
        var used = 0;
        foreach (var conjunct in conjuncts)
        {
            var fragment = Translate(conjunct, negated: false);
            if (fragment is null || used + fragment.Count > maxComparisons)
            {
                remainder.Add(conjunct);
                continue;
            }

            if (fragment.IsFalse)
            {
                return new StoragePlan(null, 0, domain, MatchesNothing: true);
            }

            if (!fragment.IsTrue)
            {
                pushed.Add(fragment);
                used += fragment.Count;
            }
        }

        var rest = remainder.Count switch
        {
            0 => ConstantCondition.True,
            1 => remainder[0],
            _ => new AndCondition([.. remainder]),
        };
        var filter = pushed.Count == 0 ? null : string.Join(" and ", pushed.Select(f => pushed.Count == 1 ? f.Text : $"({f.Text})"));
        return new StoragePlan(filter, used, new CompiledDomain(domain.Model, domain.Source, rest), MatchesNothing: false);
    }

    private sealed record Fragment(string Text, int Count)
    {
        public static readonly Fragment True = new("", 0);
        public static readonly Fragment False = new("", 0);

        public bool IsTrue => ReferenceEquals(this, True);

        public bool IsFalse => ReferenceEquals(this, False);
    }

    private static Fragment? Translate(Condition condition, bool negated) => condition switch
    {
        ConstantCondition c => c.Value != negated ? Fragment.True : Fragment.False,
        NotCondition not => Translate(not.Child, !negated),
        AndCondition and => Combine(and.Children, negated ? "or" : "and", negated),
        OrCondition or => Combine(or.Children, negated ? "and" : "or", negated),
        TextCondition text => Text(text, negated),
        NumberCondition number => Number(number, negated),
        BooleanCondition boolean => Boolean(boolean, negated),
        DateCondition date => Date(date, negated),
        DateTimeCondition moment => Moment(moment, negated),
        Many2oneCondition m2o => Many2one(m2o, negated),
        _ => null,
    };

    private static Fragment? Combine(IEnumerable<Condition> children, string op, bool negated)
    {
        var parts = new List<Fragment>();
        foreach (var child in children)
        {
            var part = Translate(child, negated);
            if (part is null)
            {
                return null;
            }

            if (op == "and" ? part.IsFalse : part.IsTrue)
            {
                return part;
            }

            if (op == "and" ? !part.IsTrue : !part.IsFalse)
            {
                parts.Add(part);
            }
        }

        return Join(parts, op) ?? (op == "and" ? Fragment.True : Fragment.False);
    }

    private static Fragment? Join(IReadOnlyList<Fragment> parts, string op) => parts.Count switch
    {
        0 => null,
        1 => parts[0],
        _ => new Fragment(string.Join($" {op} ", parts.Select(p => $"({p.Text})")), parts.Sum(p => p.Count)),
    };

    private static Fragment Compare(string property, string op, string literal) => new($"{property} {op} {literal}", 1);

    private static Op Complement(Op op) => op switch
    {
        Op.Eq => Op.Ne,
        Op.Ne => Op.Eq,
        Op.In => Op.NotIn,
        Op.NotIn => Op.In,
        Op.Set => Op.NotSet,
        Op.NotSet => Op.Set,
        Op.Lt => Op.Ge,
        Op.Ge => Op.Lt,
        Op.Le => Op.Gt,
        Op.Gt => Op.Le,
        Op.Like => Op.NotLike,
        Op.NotLike => Op.Like,
        Op.ILike => Op.NotILike,
        Op.NotILike => Op.ILike,
        Op.EqLike => Op.NotEqLike,
        Op.NotEqLike => Op.EqLike,
        Op.EqILike => Op.NotEqILike,
        _ => Op.EqILike,
    };

    private static string OData(Op op) => op switch
    {
        Op.Lt => "lt",
        Op.Le => "le",
        Op.Gt => "gt",
        Op.Ge => "ge",
        Op.Eq => "eq",
        _ => "ne",
    };

    private static bool IsOrdering(Op op) => op is Op.Lt or Op.Le or Op.Gt or Op.Ge;

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static Fragment? Text(TextCondition c, bool negated)
    {
        // Empty text (absent, or a stored '') never satisfies an ordering, so an ordering's complement matches empties.
        if (c.Target.Source != FieldSource.Stored || (negated && IsOrdering(c.Op)))
        {
            return null;
        }

        var op = negated ? Complement(c.Op) : c.Op;
        var p = c.Target.Name;
        var notEmpty = Compare(p, "gt", "''");
        bool Fits(string? v) => v is { Length: > 0 and <= MaxPushedTextLength };
        switch (op)
        {
            case Op.Eq when Fits(c.Value):
                return Compare(p, "eq", Quote(c.Value!));
            case Op.Lt or Op.Le when Fits(c.Value):
                return Join([Compare(p, OData(op), Quote(c.Value!)), notEmpty], "and");
            case Op.Gt or Op.Ge when Fits(c.Value):
                return Compare(p, OData(op), Quote(c.Value!));
            case Op.Set:
                return notEmpty;
            case Op.In when !c.ListHasFalse && c.Values.All(Fits):
                return Join(c.Values.Select(v => Compare(p, "eq", Quote(v))).ToList(), "or");
            case Op.NotIn when c.ListHasFalse && c.Values.All(Fits):
                return Join([notEmpty, .. c.Values.Select(v => Compare(p, "ne", Quote(v)))], "and");
            default:
                return null;
        }
    }

    private static Fragment? Number(NumberCondition c, bool negated)
    {
        var op = negated ? Complement(c.Op) : c.Op; // numbers are total (empty is 0), so every complement is exact
        var always = c.Target.Source == FieldSource.Id;
        var integral = c.Target.Type is not (FieldType.Float or FieldType.Monetary);
        if (c.Values.Any(v => !double.IsFinite(v) || (integral && (v != Math.Floor(v) || Math.Abs(v) > 9e15))))
        {
            return null;
        }

        // The absent property reads as 0: a condition true at 0 would need "absent or …", which $filter cannot say.
        if (!always && HoldsAtZero(op, c.Values))
        {
            return null;
        }

        var p = c.Target.Name;
        string Literal(double v) => integral
            ? ((long)v).ToString(CultureInfo.InvariantCulture) + "L"
            : v.ToString("R", CultureInfo.InvariantCulture) is var s && (s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal)) ? s : s + ".0";

        return op switch
        {
            Op.In => Join(c.Values.Distinct().Select(v => Compare(p, "eq", Literal(v))).ToList(), "or"),
            Op.NotIn => Join(c.Values.Distinct().Select(v => Compare(p, "ne", Literal(v))).ToList(), "and"),
            Op.Set => Compare(p, "ne", Literal(0)),
            Op.NotSet => Compare(p, "eq", Literal(0)),
            Op.Eq or Op.Ne or Op.Lt or Op.Le or Op.Gt or Op.Ge => Compare(p, OData(op), Literal(c.Values[0])),
            _ => null,
        };
    }

    private static bool HoldsAtZero(Op op, IReadOnlyList<double> values) => op switch
    {
        Op.Eq => values[0] == 0,
        Op.Ne => values[0] != 0,
        Op.Lt => 0 < values[0],
        Op.Le => 0 <= values[0],
        Op.Gt => 0 > values[0],
        Op.Ge => 0 >= values[0],
        Op.In => values.Contains(0),
        Op.NotIn => !values.Contains(0),
        Op.Set => false,
        _ => true,
    };

    private static Fragment? Boolean(BooleanCondition c, bool negated)
    {
        var whenTrue = c.WhenTrue != negated;
        var whenFalse = c.WhenFalse != negated;
        return (whenTrue, whenFalse) switch
        {
            (true, true) => Fragment.True,
            (false, false) => Fragment.False,
            (true, false) => Compare(c.Target.Name, "eq", "true"),
            _ => null, // true for false and absent: not expressible
        };
    }

    private static Fragment? Date(DateCondition c, bool negated)
    {
        if (negated && IsOrdering(c.Op))
        {
            return null;
        }

        var op = negated ? Complement(c.Op) : c.Op;
        var p = c.Target.Name;
        static string Literal(DateOnly d) => Quote(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var set = Compare(p, "gt", "''");
        return op switch
        {
            Op.Eq or Op.Lt or Op.Le or Op.Gt or Op.Ge => Compare(p, OData(op), Literal(c.Value)),
            Op.Set => set,
            Op.In when !c.ListHasFalse => Join(c.Values.Distinct().Select(v => Compare(p, "eq", Literal(v))).ToList(), "or"),
            Op.NotIn when c.ListHasFalse => Join([set, .. c.Values.Distinct().Select(v => Compare(p, "ne", Literal(v)))], "and"),
            _ => null,
        };
    }

    private static Fragment? Moment(DateTimeCondition c, bool negated)
    {
        var always = c.Target.Source != FieldSource.Stored;
        if (negated && IsOrdering(c.Op) && !always)
        {
            return null;
        }

        var op = negated ? Complement(c.Op) : c.Op;
        var p = c.Target.Name;

        // In memory a stored datetime is compared truncated to the second; storage compares it exactly, so
        // "truncated t > v" becomes "t >= v + 1s" and so on (v is a whole second).
        static string Literal(DateTime t) => "datetime'" + t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "'";
        Fragment Same(DateTime v) => Join([Compare(p, "ge", Literal(v)), Compare(p, "lt", Literal(v.AddSeconds(1)))], "and")!;
        Fragment Other(DateTime v) => Join([Compare(p, "lt", Literal(v)), Compare(p, "ge", Literal(v.AddSeconds(1)))], "or")!;
        if (c.Value.Year > 9998 || c.Values.Any(v => v.Year > 9998))
        {
            return null;
        }

        return op switch
        {
            Op.Eq => Same(c.Value),
            Op.Ne when always => Other(c.Value),
            Op.Lt => Compare(p, "lt", Literal(c.Value)),
            Op.Ge => Compare(p, "ge", Literal(c.Value)),
            Op.Gt => Compare(p, "ge", Literal(c.Value.AddSeconds(1))),
            Op.Le => Compare(p, "lt", Literal(c.Value.AddSeconds(1))),
            Op.In when !c.ListHasFalse => Join(c.Values.Distinct().Select(Same).ToList(), "or"),
            Op.NotIn when always && !c.ListHasFalse => Join(c.Values.Distinct().Select(Other).ToList(), "and"),
            _ => null,
        };
    }

    private static Fragment? Many2one(Many2oneCondition c, bool negated)
    {
        if (negated && IsOrdering(c.Op))
        {
            return null;
        }

        var op = negated ? Complement(c.Op) : c.Op;
        var p = c.Target.Name;
        static string Literal(long id) => id.ToString(CultureInfo.InvariantCulture) + "L";
        var set = Compare(p, "gt", "0L");
        return op switch
        {
            Op.Eq when c.Value > 0 => Compare(p, "eq", Literal(c.Value)),
            Op.Eq => Fragment.False,
            Op.Lt or Op.Le or Op.Gt or Op.Ge => Join([Compare(p, OData(op), Literal(c.Value)), set], "and"),
            Op.Set => set,
            Op.In when !c.ListHasFalse => Join(c.Values.Distinct().Select(v => Compare(p, "eq", Literal(v))).ToList(), "or"),
            Op.NotIn when c.ListHasFalse => Join([set, .. c.Values.Distinct().Select(v => Compare(p, "ne", Literal(v)))], "and"),
            _ => null,
        };
    }
}
