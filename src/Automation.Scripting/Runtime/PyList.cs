using System.Text;

namespace Automation.Scripting.Runtime;

internal sealed class PyList : PyObject
{
    public readonly List<object?> Items;

    public PyList() => Items = [];

    public PyList(List<object?> items) => Items = items;

    public PyList(IEnumerable<object?> items) => Items = [.. items];

    public override string TypeName => "list";

    public override bool IsTrue() => Items.Count > 0;

    public override int Length() => Items.Count;

    public override bool HasLength => true;

    public override string Repr() => Seq.ReprGuarded(this, "[...]", () => Seq.Repr("[", "]", Items, false));

    public override IEnumerable<object?> Iterate(Run run)
    {
        // index-based like CPython: appends during iteration are seen
        for (var i = 0; i < Items.Count; i++)
        {
            yield return Items[i];
        }
    }

    public override bool PyEquals(object? other) => other is PyList l && Seq.Equal(Items, l.Items);

    public override int? CompareTo(object? other) => other is PyList l ? Seq.Compare(Items, l.Items) : null;

    public override bool Contains(Run run, object? item)
    {
        foreach (var x in Items)
        {
            if (Ops.Eq(x, item))
            {
                return true;
            }
        }

        return false;
    }

    public override object? GetItem(Run run, object? key)
    {
        if (key is long i)
        {
            return Items[Seq.Index(i, Items.Count, "list")];
        }

        if (key is PySlice s)
        {
            return new PyList(Seq.Slice(run, Items, s));
        }

        if (key is bool b)
        {
            return Items[Seq.Index(b ? 1 : 0, Items.Count, "list")];
        }

        throw PyException.TypeError($"list indices must be integers or slices, not {Ops.TypeName(key)}");
    }

    public override void SetItem(Run run, object? key, object? value)
    {
        if (key is long or bool)
        {
            Items[Seq.Index(Ops.ToIndex(key), Items.Count, "list", "list assignment index out of range")] = value;
            return;
        }

        if (key is PySlice s)
        {
            if (value is not (PyObject or string) || (value is PyObject po && po is PyExceptionObject or PyCallable))
            {
                throw PyException.TypeError("can only assign an iterable");
            }

            var values = Ops.ToList(run, value);
            var (start, stop, step, count) = s.Indices(Items.Count);
            if (step == 1)
            {
                if (stop < start)
                {
                    stop = start;
                }

                run.CheckCollection(Items.Count - (stop - start) + values.Count);
                Items.RemoveRange((int)start, (int)(stop - start));
                Items.InsertRange((int)start, values);
                return;
            }

            if (values.Count != count)
            {
                throw PyException.ValueError($"attempt to assign sequence of size {values.Count} to extended slice of size {count}");
            }

            for (var k = 0; k < count; k++)
            {
                Items[(int)(start + (k * step))] = values[k];
            }

            return;
        }

        throw PyException.TypeError($"list indices must be integers or slices, not {Ops.TypeName(key)}");
    }

    public override void DelItem(Run run, object? key)
    {
        if (key is long or bool)
        {
            Items.RemoveAt(Seq.Index(Ops.ToIndex(key), Items.Count, "list", "list assignment index out of range"));
            return;
        }

        if (key is PySlice s)
        {
            var (start, _, step, count) = s.Indices(Items.Count);
            var remove = new HashSet<long>();
            for (var k = 0; k < count; k++)
            {
                remove.Add(start + (k * step));
            }

            var kept = new List<object?>();
            for (var k = 0; k < Items.Count; k++)
            {
                if (!remove.Contains(k))
                {
                    kept.Add(Items[k]);
                }
            }

            Items.Clear();
            Items.AddRange(kept);
            return;
        }

        throw PyException.TypeError($"list indices must be integers or slices, not {Ops.TypeName(key)}");
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        switch (op)
        {
            case "+" when other is PyList l && !reflected:
                run.CheckCollection((long)Items.Count + l.Items.Count);
                var r = new List<object?>(Items.Count + l.Items.Count);
                r.AddRange(Items);
                r.AddRange(l.Items);
                return new PyList(r);
            case "*" when other is long or bool:
                return new PyList(Seq.Repeat(run, Items, Ops.ToIndex(other)));
            default:
                return NotImplemented.Value;
        }
    }

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

    private static readonly HashSet<string> Methods =
        ["append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "copy", "clear"];

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "append":
                Args.Exact("list.append", a, kw, 1);
                if (Items.Count >= run.MaxCollection)
                {
                    run.CheckCollection(Items.Count + 1L);
                }

                run.Alloc(8);
                Items.Add(a[0]);
                return null;
            case "extend":
                {
                    Args.Exact("list.extend", a, kw, 1);
                    var add = Ops.ToList(run, a[0]);
                    run.CheckCollection((long)Items.Count + add.Count);
                    Items.AddRange(add);
                    return null;
                }

            case "insert":
                {
                    Args.Exact("list.insert", a, kw, 2);
                    run.CheckCollection(Items.Count + 1L);
                    long i = Ops.ToIndex(a[0]);
                    if (i < 0)
                    {
                        i = Math.Max(0, i + Items.Count);
                    }

                    Items.Insert((int)Math.Min(i, Items.Count), a[1]);
                    return null;
                }

            case "pop":
                {
                    Args.Range("pop", a, kw, 0, 1);
                    if (Items.Count == 0)
                    {
                        throw PyException.IndexError("pop from empty list");
                    }

                    var i = Seq.Index(a.Length > 0 ? Ops.ToIndex(a[0]) : -1, Items.Count, "list", "pop index out of range");
                    var v = Items[i];
                    Items.RemoveAt(i);
                    return v;
                }

            case "remove":
                Args.Exact("list.remove", a, kw, 1);
                for (var i = 0; i < Items.Count; i++)
                {
                    if (Ops.Eq(Items[i], a[0]))
                    {
                        Items.RemoveAt(i);
                        return null;
                    }
                }

                throw PyException.ValueError("list.remove(x): x not in list");
            case "index":
                {
                    Args.Range("index", a, kw, 1, 3);
                    var (start, stop) = Seq.StartStop(a, Items.Count);
                    for (var i = start; i < stop; i++)
                    {
                        if (Ops.Eq(Items[i], a[0]))
                        {
                            return (long)i;
                        }
                    }

                    throw PyException.ValueError($"{Ops.Repr(a[0])} is not in list");
                }

            case "count":
                {
                    Args.Exact("list.count", a, kw, 1);
                    long n = 0;
                    foreach (var x in Items)
                    {
                        if (Ops.Eq(x, a[0]))
                        {
                            n++;
                        }
                    }

                    return n;
                }

            case "sort":
                {
                    if (a.Length > 0)
                    {
                        throw PyException.TypeError("sort() takes no positional arguments");
                    }

                    var key = Args.Kw(kw, "key");
                    var reverse = Ops.IsTrue(Args.Kw(kw, "reverse") ?? false);
                    var sorted = Sorting.Sort(run, Items, key, reverse);
                    Items.Clear();
                    Items.AddRange(sorted);
                    return null;
                }

            case "reverse":
                Args.Exact("list.reverse", a, kw, 0);
                Items.Reverse();
                return null;
            case "copy":
                Args.Exact("list.copy", a, kw, 0);
                run.CheckCollection(Items.Count);
                return new PyList(new List<object?>(Items));
            case "clear":
                Args.Exact("list.clear", a, kw, 0);
                Items.Clear();
                return null;
            default:
                return base.CallMethod(run, name, a, kw);
        }
    }
}

internal sealed class PyTuple(object?[] items) : PyObject
{
    public static readonly PyTuple Empty = new([]);

    public readonly object?[] Items = items;

    public override string TypeName => "tuple";

    public override bool IsTrue() => Items.Length > 0;

    public override int Length() => Items.Length;

    public override bool HasLength => true;

    public override string Repr() => Items.Length == 1 ? "(" + Ops.Repr(Items[0]) + ",)" : Seq.Repr("(", ")", Items, false);

    public override IEnumerable<object?> Iterate(Run run) => Items;

    public override bool PyEquals(object? other) => other is PyTuple t && Seq.Equal(Items, t.Items);

    public override int PyHash()
    {
        StackGuard.Check(null);
        var h = new HashCode();
        foreach (var x in Items)
        {
            h.Add(Ops.Hash(x));
        }

        return h.ToHashCode();
    }

    public override int? CompareTo(object? other) => other is PyTuple t ? Seq.Compare(Items, t.Items) : null;

    public override object? GetItem(Run run, object? key)
    {
        if (key is long or bool)
        {
            return Items[Seq.Index(Ops.ToIndex(key), Items.Length, "tuple")];
        }

        if (key is PySlice s)
        {
            return new PyTuple([.. Seq.Slice(run, Items, s)]);
        }

        throw PyException.TypeError($"tuple indices must be integers or slices, not {Ops.TypeName(key)}");
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        switch (op)
        {
            case "+" when other is PyTuple t && !reflected:
                run.CheckCollection((long)Items.Length + t.Items.Length);
                return new PyTuple([.. Items, .. t.Items]);
            case "*" when other is long or bool:
                return new PyTuple([.. Seq.Repeat(run, Items, Ops.ToIndex(other))]);
            default:
                return NotImplemented.Value;
        }
    }

    public override object? GetAttr(Run run, string name) => name is "index" or "count"
        ? new PyBoundMethod(this, name)
        : base.GetAttr(run, name);

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "index":
                {
                    Args.Range("index", a, kw, 1, 3);
                    var (start, stop) = Seq.StartStop(a, Items.Length);
                    for (var i = start; i < stop; i++)
                    {
                        if (Ops.Eq(Items[i], a[0]))
                        {
                            return (long)i;
                        }
                    }

                    throw PyException.ValueError("tuple.index(x): x not in tuple");
                }

            case "count":
                Args.Exact("tuple.count", a, kw, 1);
                return (long)Items.Count(x => Ops.Eq(x, a[0]));
            default:
                return base.CallMethod(run, name, a, kw);
        }
    }
}

/// <summary>Sequence helpers shared by list, tuple and str.</summary>
internal static class Seq
{
    public static int Index(long i, int count, string type, string? message = null)
    {
        if (i < 0)
        {
            i += count;
        }

        if (i < 0 || i >= count)
        {
            throw PyException.IndexError(message ?? $"{type} index out of range");
        }

        return (int)i;
    }

    public static (int Start, int Stop) StartStop(object?[] a, int count)
    {
        long start = a.Length > 1 ? Ops.ToIndex(a[1]) : 0;
        long stop = a.Length > 2 ? Ops.ToIndex(a[2]) : count;
        if (start < 0)
        {
            start = Math.Max(0, start + count);
        }

        if (stop < 0)
        {
            stop = Math.Max(0, stop + count);
        }

        return ((int)Math.Min(start, count), (int)Math.Min(stop, count));
    }

    public static List<object?> Slice(Run run, IReadOnlyList<object?> items, PySlice s)
    {
        var (start, _, step, count) = s.Indices(items.Count);
        run.Alloc(count * 8);
        var r = new List<object?>((int)count);
        for (long k = 0; k < count; k++)
        {
            r.Add(items[(int)(start + (k * step))]);
        }

        return r;
    }

    public static List<object?> Repeat(Run run, IReadOnlyList<object?> items, long n)
    {
        if (n <= 0 || items.Count == 0)
        {
            return [];
        }

        if (n > run.MaxCollection / items.Count)
        {
            run.CheckCollection(n > long.MaxValue / items.Count ? long.MaxValue : items.Count * n);
        }

        run.CheckCollection(items.Count * n);
        var r = new List<object?>((int)(items.Count * n));
        for (long k = 0; k < n; k++)
        {
            r.AddRange(items);
        }

        return r;
    }

    [ThreadStatic]
    private static HashSet<object>? _reprActive;

    /// <summary>repr of a container that may contain itself: the inner occurrence prints as [...] / {...}, as in CPython.</summary>
    public static string ReprGuarded(object self, string placeholder, Func<string> repr)
    {
        _reprActive ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        if (!_reprActive.Add(self))
        {
            return placeholder;
        }

        try
        {
            return repr();
        }
        finally
        {
            _reprActive.Remove(self);
        }
    }

    public static string Repr(string open, string close, IReadOnlyList<object?> items, bool _)
    {
        StackGuard.Check(null);
        var sb = new StringBuilder(open);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Ops.Repr(items[i]));
            Run.CheckBuilding(sb.Length);
        }

        return sb.Append(close).ToString();
    }

    public static bool Equal(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        StackGuard.Check(null);
        for (var i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]) && !Ops.Eq(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static int? Compare(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        StackGuard.Check(null);
        var n = Math.Min(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            if (!ReferenceEquals(a[i], b[i]) && !Ops.Eq(a[i], b[i]))
            {
                return Ops.CompareOrThrow(a[i], b[i], Ops.ComparisonOperator);
            }
        }

        return a.Count.CompareTo(b.Count);
    }
}
