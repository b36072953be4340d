namespace Automation.Scripting.Runtime;

internal sealed class PySet : PyObject
{
    public readonly HashSet<object> Items;

    public PySet(bool frozen)
    {
        Frozen = frozen;
        Items = new HashSet<object>(KeyComparer.Instance);
    }

    public PySet(IEnumerable<object?> items, bool frozen)
        : this(frozen)
    {
        foreach (var x in items)
        {
            Add(x);
        }
    }

    public bool Frozen { get; }

    public override string TypeName => Frozen ? "frozenset" : "set";

    public override bool IsTrue() => Items.Count > 0;

    public override int Length() => Items.Count;

    public override bool HasLength => true;

    public void Add(object? x)
    {
        Ops.Hash(x);
        Items.Add(KeyComparer.Wrap(x));
    }

    public void Add(Run run, object? x)
    {
        if (Items.Count >= run.MaxCollection)
        {
            run.CheckCollection(Items.Count + 1L);
        }

        run.Alloc(16);
        Add(x);
    }

    /// <summary>Elements in a stable order: ints ascending first (like CPython for small ints), then insertion order.</summary>
    public IEnumerable<object?> Elements => Items.Select(KeyComparer.Unwrap);

    private List<object?> Ordered()
    {
        var list = Elements.ToList();
        if (list.All(x => x is long or bool))
        {
            // CPython orders small non-negative ints by hash, i.e. ascending.
            if (list.All(x => Ops.ToLong(x) >= 0 && Ops.ToLong(x) < 1 << 20))
            {
                list.Sort((a, b) => Ops.ToLong(a).CompareTo(Ops.ToLong(b)));
            }
        }

        return list;
    }

    public override IEnumerable<object?> Iterate(Run run) => Ordered();

    public override bool Contains(Run run, object? item)
    {
        Ops.Hash(item);
        return Items.Contains(KeyComparer.Wrap(item));
    }

    public override string Repr()
    {
        StackGuard.Check(null);
        if (Items.Count == 0)
        {
            return Frozen ? "frozenset()" : "set()";
        }

        var body = Seq.Repr("{", "}", Ordered(), false);
        return Frozen ? "frozenset(" + body + ")" : body;
    }

    public override bool PyEquals(object? other)
    {
        StackGuard.Check(null);
        return other is PySet s && s.Items.Count == Items.Count && Items.IsSubsetOf(s.Items);
    }

    public override int PyHash()
    {
        if (!Frozen)
        {
            return base.PyHash();
        }

        StackGuard.Check(null);
        var h = 0;
        foreach (var x in Items)
        {
            h ^= KeyComparer.Instance.GetHashCode(x);
        }

        return h;
    }

    public override int? CompareTo(object? other)
    {
        if (other is not PySet s)
        {
            return null;
        }

        if (PyEquals(s))
        {
            return 0;
        }

        if (Items.IsSubsetOf(s.Items))
        {
            return -1;
        }

        if (Items.IsSupersetOf(s.Items))
        {
            return 1;
        }

        return 2; // unordered: every strict comparison is False
    }

    private PySet Make(IEnumerable<object> items)
    {
        var s = new PySet(Frozen);
        foreach (var x in items)
        {
            s.Items.Add(x);
        }

        return s;
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        if (other is not PySet s)
        {
            return NotImplemented.Value;
        }

        var (a, b) = reflected ? (s, this) : (this, s);
        return op switch
        {
            "|" => a.Make(a.Items.Concat(b.Items)),
            "&" => a.Make(a.Items.Where(b.Items.Contains)),
            "-" => a.Make(a.Items.Where(x => !b.Items.Contains(x))),
            "^" => a.Make(a.Items.Where(x => !b.Items.Contains(x)).Concat(b.Items.Where(x => !a.Items.Contains(x)))),
            _ => NotImplemented.Value,
        };
    }

    private static readonly HashSet<string> Methods =
    [
        "add", "remove", "discard", "pop", "clear", "copy", "update", "union", "intersection", "difference",
        "symmetric_difference", "issubset", "issuperset", "isdisjoint", "intersection_update", "difference_update",
    ];

    public override object? GetAttr(Run run, string name) => Methods.Contains(name)
        ? new PyBoundMethod(this, name)
        : base.GetAttr(run, name);

    public override void CheckMethod(Run run, string name)
    {
        if (!Methods.Contains(name))
        {
            base.GetAttr(run, name);
        }
    }

    private void Mutable(string name)
    {
        if (Frozen)
        {
            throw PyException.AttributeError($"'frozenset' object has no attribute '{name}'");
        }
    }

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "add":
                Mutable(name);
                Args.Exact("set.add", a, kw, 1);
                Add(run, a[0]);
                return null;
            case "remove":
                Mutable(name);
                Args.Exact("set.remove", a, kw, 1);
                Ops.Hash(a[0]);
                if (!Items.Remove(KeyComparer.Wrap(a[0])))
                {
                    throw PyException.KeyError(a[0]);
                }

                return null;
            case "discard":
                Mutable(name);
                Args.Exact("set.discard", a, kw, 1);
                Ops.Hash(a[0]);
                Items.Remove(KeyComparer.Wrap(a[0]));
                return null;
            case "pop":
                {
                    Mutable(name);
                    Args.Exact("set.pop", a, kw, 0);
                    if (Items.Count == 0)
                    {
                        throw PyException.Make(PyExceptionType.KeyError, "pop from an empty set");
                    }

                    var first = Ordered()[0];
                    Items.Remove(KeyComparer.Wrap(first));
                    return first;
                }

            case "clear":
                Mutable(name);
                Items.Clear();
                return null;
            case "copy":
                return Make(Items);
            case "update":
                Mutable(name);
                foreach (var arg in a)
                {
                    foreach (var x in Ops.Iterate(run, arg))
                    {
                        Add(run, x);
                    }
                }

                return null;
            case "intersection_update":
            case "difference_update":
                {
                    Mutable(name);
                    var r = (PySet)CallMethod(run, name[..name.IndexOf('_', StringComparison.Ordinal)], a, kw)!;
                    Items.Clear();
                    Items.UnionWith(r.Items);
                    return null;
                }

            case "union":
            case "intersection":
            case "difference":
            case "symmetric_difference":
                {
                    var op = name switch { "union" => "|", "intersection" => "&", "difference" => "-", _ => "^" };
                    PySet acc = this;
                    if (a.Length == 0)
                    {
                        return Make(Items);
                    }

                    foreach (var arg in a)
                    {
                        acc = (PySet)acc.BinaryOp(run, op, new PySet(Ops.Iterate(run, arg), false), false)!;
                    }

                    return acc;
                }

            case "issubset":
                Args.Exact("issubset", a, kw, 1);
                return Items.IsSubsetOf(new PySet(Ops.Iterate(run, a[0]), false).Items);
            case "issuperset":
                Args.Exact("issuperset", a, kw, 1);
                return Items.IsSupersetOf(new PySet(Ops.Iterate(run, a[0]), false).Items);
            case "isdisjoint":
                Args.Exact("isdisjoint", a, kw, 1);
                return !Items.Overlaps(new PySet(Ops.Iterate(run, a[0]), false).Items);
            default:
                return base.CallMethod(run, name, a, kw);
        }
    }
}

internal sealed class PyRange(long start, long stop, long step) : PyObject
{
    public long Start { get; } = start;

    public long Stop { get; } = stop;

    public long Step { get; } = step;

    public long Count { get; } = ComputeCount(start, stop, step);

    private static long ComputeCount(long start, long stop, long step)
    {
        var n = step > 0
            ? (start < stop ? (((System.Numerics.BigInteger)stop - start - 1) / step) + 1 : 0)
            : (start > stop ? (((System.Numerics.BigInteger)start - stop - 1) / -(System.Numerics.BigInteger)step) + 1 : 0);
        if (n > long.MaxValue)
        {
            throw PyException.Overflow("Python int too large to convert to C ssize_t");
        }

        return (long)n;
    }

    public override string TypeName => "range";

    public override bool IsTrue() => Count > 0;

    public override int Length() => (int)Math.Min(Count, int.MaxValue);

    public override bool HasLength => true;

    public override string Repr() => Step == 1 ? $"range({Start}, {Stop})" : $"range({Start}, {Stop}, {Step})";

    public override IEnumerable<object?> Iterate(Run run)
    {
        var n = Count;
        var v = Start;
        for (long i = 0; i < n; i++, v += Step)
        {
            yield return v;
        }
    }

    public override bool Contains(Run run, object? item)
    {
        if (item is long or bool)
        {
            var v = Ops.ToLong(item);
            if (Step > 0 ? v < Start || v >= Stop : v > Start || v <= Stop)
            {
                return false;
            }

            return (v - Start) % Step == 0;
        }

        return base.Contains(run, item);
    }

    public override bool PyEquals(object? other) => other is PyRange r && r.Count == Count &&
        (Count == 0 || (r.Start == Start && (Count == 1 || r.Step == Step)));

    public override int PyHash() => HashCode.Combine(Count, Start, Step);

    public override object? GetItem(Run run, object? key)
    {
        if (key is PySlice s)
        {
            var (start, _, step, count) = s.Indices(Count);
            var ns = Start + (start * Step);
            return new PyRange(ns, ns + (count * step * Step), step * Step);
        }

        var i = Ops.ToIndex(key);
        if (i < 0)
        {
            i += Count;
        }

        if (i < 0 || i >= Count)
        {
            throw PyException.IndexError("range object index out of range");
        }

        return Start + (i * Step);
    }

    public override object? GetAttr(Run run, string name) => name switch
    {
        "start" => Start,
        "stop" => Stop,
        "step" => Step,
        "index" or "count" => new PyBoundMethod(this, name),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "count":
                return Contains(run, a[0]) ? 1L : 0L;
            case "index":
                if (!Contains(run, a[0]))
                {
                    throw PyException.ValueError($"{Ops.Repr(a[0])} is not in range");
                }

                return (Ops.ToLong(a[0]) - Start) / Step;
            default:
                return base.CallMethod(run, name, a, kw);
        }
    }
}
