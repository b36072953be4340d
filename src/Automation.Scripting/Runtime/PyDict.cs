using System.Text;

namespace Automation.Scripting.Runtime;

/// <summary>Python key equality and hashing (1 == 1.0 == True) for dict and set.</summary>
internal sealed class KeyComparer : IEqualityComparer<object>
{
    public static readonly KeyComparer Instance = new();

    public static readonly object NoneKey = new();

    public new bool Equals(object? x, object? y) => ReferenceEquals(x, y) || Ops.Eq(Unwrap(x), Unwrap(y));

    public int GetHashCode(object obj) => Ops.Hash(Unwrap(obj));

    public static object Wrap(object? key) => key ?? NoneKey;

    public static object? Unwrap(object? key) => ReferenceEquals(key, NoneKey) ? null : key;
}

/// <summary>An insertion-ordered hash map with Python semantics.</summary>
internal sealed class PyDict : PyObject
{
    private readonly Dictionary<object, int> _index;
    private readonly List<object?> _keys;
    private readonly List<object?> _values;
    private readonly List<bool> _live;
    private int _count;

    public PyDict()
        : this(0)
    {
    }

    public PyDict(int capacity)
    {
        _index = new Dictionary<object, int>(capacity, KeyComparer.Instance);
        _keys = new List<object?>(capacity);
        _values = new List<object?>(capacity);
        _live = new List<bool>(capacity);
    }

    public int Version { get; private set; }

    public int Count => _count;

    public override string TypeName => "dict";

    public override bool IsTrue() => _count > 0;

    public override int Length() => _count;

    public override bool HasLength => true;

    public IEnumerable<KeyValuePair<object?, object?>> Pairs
    {
        get
        {
            var version = Version;
            for (var i = 0; i < _keys.Count; i++)
            {
                if (version != Version)
                {
                    throw PyException.Make(PyExceptionType.RuntimeError, "dictionary changed size during iteration");
                }

                if (_live[i])
                {
                    yield return new KeyValuePair<object?, object?>(_keys[i], _values[i]);
                }
            }

            if (version != Version)
            {
                throw PyException.Make(PyExceptionType.RuntimeError, "dictionary changed size during iteration");
            }
        }
    }

    public IEnumerable<object?> Keys => Pairs.Select(p => p.Key);

    public bool TryGet(object? key, out object? value)
    {
        if (_index.TryGetValue(KeyComparer.Wrap(key), out var i))
        {
            value = _values[i];
            return true;
        }

        value = null;
        return false;
    }

    public object? Get(object? key, object? fallback = null) => TryGet(key, out var v) ? v : fallback;

    public void Set(object? key, object? value)
    {
        var k = KeyComparer.Wrap(key);
        if (_index.TryGetValue(k, out var i))
        {
            _values[i] = value;
            return;
        }

        _index[k] = _keys.Count;
        _keys.Add(key);
        _values.Add(value);
        _live.Add(true);
        _count++;
        Version++;
    }

    public void Set(Run run, object? key, object? value)
    {
        if (_count >= run.MaxCollection)
        {
            run.CheckCollection(_count + 1L);
        }

        run.Alloc(24);
        Set(key, value);
    }

    public bool Remove(object? key, out object? value)
    {
        var k = KeyComparer.Wrap(key);
        if (!_index.TryGetValue(k, out var i))
        {
            value = null;
            return false;
        }

        value = _values[i];
        _index.Remove(k);
        _live[i] = false;
        _keys[i] = null;
        _values[i] = null;
        _count--;
        Version++;
        if (_keys.Count > 32 && _count < _keys.Count / 2)
        {
            Compact();
        }

        return true;
    }

    private void Compact()
    {
        var keys = new List<object?>(_count);
        var values = new List<object?>(_count);
        for (var i = 0; i < _keys.Count; i++)
        {
            if (_live[i])
            {
                keys.Add(_keys[i]);
                values.Add(_values[i]);
            }
        }

        _keys.Clear();
        _values.Clear();
        _live.Clear();
        _index.Clear();
        for (var i = 0; i < keys.Count; i++)
        {
            _index[KeyComparer.Wrap(keys[i])] = i;
            _keys.Add(keys[i]);
            _values.Add(values[i]);
            _live.Add(true);
        }
    }

    public void Clear()
    {
        _index.Clear();
        _keys.Clear();
        _values.Clear();
        _live.Clear();
        _count = 0;
        Version++;
    }

    public PyDict Copy()
    {
        var d = new PyDict(_count);
        foreach (var p in Pairs)
        {
            d.Set(p.Key, p.Value);
        }

        return d;
    }

    public override string Repr() => Seq.ReprGuarded(this, "{...}", ReprBody);

    private string ReprBody()
    {
        StackGuard.Check(null);
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var p in Pairs)
        {
            if (!first)
            {
                sb.Append(", ");
            }

            first = false;
            sb.Append(Ops.Repr(p.Key)).Append(": ").Append(Ops.Repr(p.Value));
            Run.CheckBuilding(sb.Length);
        }

        return sb.Append('}').ToString();
    }

    public override IEnumerable<object?> Iterate(Run run) => Keys;

    public override bool Contains(Run run, object? item)
    {
        Ops.Hash(item);
        return _index.ContainsKey(KeyComparer.Wrap(item));
    }

    public override bool PyEquals(object? other)
    {
        if (other is not PyDict d || d._count != _count)
        {
            return false;
        }

        StackGuard.Check(null);
        foreach (var p in Pairs)
        {
            if (!d.TryGet(p.Key, out var v) || !Ops.Eq(p.Value, v))
            {
                return false;
            }
        }

        return true;
    }

    public override object? GetItem(Run run, object? key)
    {
        if (TryGet(key, out var v))
        {
            return v;
        }

        Ops.Hash(key);
        throw PyException.KeyError(key);
    }

    public override void SetItem(Run run, object? key, object? value)
    {
        Ops.Hash(key);
        Set(run, key, value);
    }

    public override void DelItem(Run run, object? key)
    {
        if (!Remove(key, out _))
        {
            throw PyException.KeyError(key);
        }
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        if (op == "|" && other is PyDict o)
        {
            var (a, b) = reflected ? (o, this) : (this, o);
            var r = a.Copy();
            foreach (var p in b.Pairs)
            {
                r.Set(run, p.Key, p.Value);
            }

            return r;
        }

        return NotImplemented.Value;
    }

    private static readonly HashSet<string> Methods =
        ["get", "keys", "values", "items", "pop", "setdefault", "update", "copy", "clear", "popitem"];

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

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "get":
                Args.Range("get", a, kw, 1, 2);
                Ops.Hash(a[0]);
                return TryGet(a[0], out var v) ? v : (a.Length > 1 ? a[1] : null);
            case "keys":
                Args.Exact("dict.keys", a, kw, 0);
                return new PyDictView(this, PyDictView.ViewKind.Keys);
            case "values":
                Args.Exact("dict.values", a, kw, 0);
                return new PyDictView(this, PyDictView.ViewKind.Values);
            case "items":
                Args.Exact("dict.items", a, kw, 0);
                return new PyDictView(this, PyDictView.ViewKind.Items);
            case "pop":
                Args.Range("pop", a, kw, 1, 2);
                Ops.Hash(a[0]);
                if (Remove(a[0], out var pv))
                {
                    return pv;
                }

                return a.Length > 1 ? a[1] : throw PyException.KeyError(a[0]);
            case "setdefault":
                Args.Range("setdefault", a, kw, 1, 2);
                Ops.Hash(a[0]);
                if (TryGet(a[0], out var sv))
                {
                    return sv;
                }

                Set(run, a[0], a.Length > 1 ? a[1] : null);
                return a.Length > 1 ? a[1] : null;
            case "update":
                Args.Range("update", a, kw, 0, 1, allowKw: true);
                if (a.Length == 1)
                {
                    Update(run, a[0]);
                }

                if (kw != null)
                {
                    foreach (var p in kw)
                    {
                        Set(run, p.Key, p.Value);
                    }
                }

                return null;
            case "copy":
                Args.Exact("dict.copy", a, kw, 0);
                run.CheckCollection(_count);
                return Copy();
            case "clear":
                Args.Exact("dict.clear", a, kw, 0);
                Clear();
                return null;
            case "popitem":
                {
                    Args.Exact("dict.popitem", a, kw, 0);
                    for (var i = _keys.Count - 1; i >= 0; i--)
                    {
                        if (_live[i])
                        {
                            var k = _keys[i];
                            Remove(k, out var val);
                            return new PyTuple([k, val]);
                        }
                    }

                    throw PyException.Make(PyExceptionType.KeyError, "popitem(): dictionary is empty");
                }

            default:
                return base.CallMethod(run, name, a, kw);
        }
    }

    public void Update(Run run, object? source)
    {
        if (source is PyDict d)
        {
            foreach (var p in d.Pairs.ToList())
            {
                Set(run, p.Key, p.Value);
            }

            return;
        }

        var n = 0;
        foreach (var item in Ops.Iterate(run, source))
        {
            if (item is not (PyObject or string))
            {
                throw PyException.TypeError($"cannot convert dictionary update sequence element #{n} to a sequence");
            }

            var pair = Ops.ToList(run, item);
            if (pair.Count != 2)
            {
                throw PyException.ValueError($"dictionary update sequence element #{n} has length {pair.Count}; 2 is required");
            }

            Ops.Hash(pair[0]);
            Set(run, pair[0], pair[1]);
            n++;
        }
    }
}

internal sealed class PyDictView(PyDict dict, PyDictView.ViewKind kind) : PyObject
{
    public enum ViewKind
    {
        Keys,
        Values,
        Items,
    }

    public override string TypeName => kind switch
    {
        ViewKind.Keys => "dict_keys",
        ViewKind.Values => "dict_values",
        _ => "dict_items",
    };

    public override int Length() => dict.Count;

    public override bool HasLength => true;

    public override bool IsTrue() => dict.Count > 0;

    public override IEnumerable<object?> Iterate(Run run) => kind switch
    {
        ViewKind.Keys => dict.Keys,
        ViewKind.Values => dict.Pairs.Select(p => p.Value),
        _ => dict.Pairs.Select(p => (object?)new PyTuple([p.Key, p.Value])),
    };

    public override bool Contains(Run run, object? item)
    {
        if (kind == ViewKind.Keys)
        {
            return dict.Contains(run, item);
        }

        return base.Contains(run, item);
    }

    public override string Repr() => TypeName + "(" + Seq.Repr("[", "]", [.. Iterate(null!)], false) + ")";

    public override bool PyEquals(object? other)
    {
        if (other is PyDictView v && kind != ViewKind.Values)
        {
            return new PySet(Iterate(null!), true).PyEquals(new PySet(v.Iterate(null!), true));
        }

        return ReferenceEquals(this, other);
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        if (kind == ViewKind.Values)
        {
            return NotImplemented.Value;
        }

        return new PySet(Iterate(run), false).BinaryOp(run, op, other is PyDictView v ? new PySet(v.Iterate(run), false) : other, reflected);
    }
}
