namespace Automation.Scripting.Runtime;

/// <summary>Keyword arguments of a call, in source order.</summary>
internal sealed class KwArgs : List<KeyValuePair<string, object?>>
{
    public KwArgs()
    {
    }

    public KwArgs(int capacity)
        : base(capacity)
    {
    }

    public void Add(string name, object? value) => Add(new KeyValuePair<string, object?>(name, value));
}

/// <summary>Base of every interpreter object that is not a .NET primitive (long, double, string, bool, null).</summary>
internal abstract class PyObject
{
    public abstract string TypeName { get; }

    public virtual string Repr() => $"<{TypeName} object>";

    public virtual string Str() => Repr();

    public virtual bool IsTrue() => true;

    public virtual object? GetAttr(Run run, string name) =>
        throw PyException.AttributeError($"'{TypeName}' object has no attribute '{name}'");

    public virtual void SetAttr(Run run, string name, object? value) =>
        throw PyException.AttributeError($"'{TypeName}' object has no attribute '{name}'");

    public virtual object? CallMethod(Run run, string name, object?[] args, KwArgs? kw) =>
        Ops.Call(run, GetAttr(run, name), args, kw);

    /// <summary>Raises AttributeError when <paramref name="name"/> cannot be looked up, before a call evaluates
    /// its arguments (Python resolves <c>obj.method</c> first). Containers answer from their method tables.</summary>
    public virtual void CheckMethod(Run run, string name) => GetAttr(run, name);

    public virtual object? GetItem(Run run, object? key) =>
        throw PyException.TypeError($"'{TypeName}' object is not subscriptable");

    public virtual void SetItem(Run run, object? key, object? value) =>
        throw PyException.TypeError($"'{TypeName}' object does not support item assignment");

    public virtual void DelItem(Run run, object? key) =>
        throw PyException.TypeError($"'{TypeName}' object doesn't support item deletion");

    public virtual IEnumerable<object?> Iterate(Run run) =>
        throw PyException.TypeError($"'{TypeName}' object is not iterable");

    public virtual int Length() => throw PyException.TypeError($"object of type '{TypeName}' has no len()");

    public virtual bool HasLength => false;

    public virtual bool Contains(Run run, object? item)
    {
        foreach (var x in Iterate(run))
        {
            run.Tick();
            if (Ops.Eq(x, item))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Python equality; reference identity unless overridden.</summary>
    public virtual bool PyEquals(object? other) => ReferenceEquals(this, other);

    public virtual int PyHash() => throw PyException.TypeError($"unhashable type: '{TypeName}'");

    /// <summary>Ordering: negative/zero/positive, or null when the types are not comparable.</summary>
    public virtual int? CompareTo(object? other) => null;

    /// <summary>Binary operator; returns <see cref="NotImplemented.Value"/> when unsupported.</summary>
    public virtual object? BinaryOp(Run run, string op, object? other, bool reflected) => NotImplemented.Value;

    public virtual object? Call(Run run, object?[] args, KwArgs? kw) =>
        throw PyException.TypeError($"'{TypeName}' object is not callable");
}

internal sealed class NotImplemented
{
    public static readonly NotImplemented Value = new();
}

/// <summary>Anything callable with positional and keyword arguments.</summary>
internal abstract class PyCallable : PyObject
{
    public abstract string Name { get; }

    public override string TypeName => "builtin_function_or_method";

    public abstract override object? Call(Run run, object?[] args, KwArgs? kw);

    public override string Repr() => $"<built-in function {Name}>";

    public override int PyHash() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

/// <summary>A builtin function implemented in C#.</summary>
internal sealed class PyBuiltin(string name, Func<Run, object?[], KwArgs?, object?> fn) : PyCallable
{
    public override string Name { get; } = name;

    public override object? Call(Run run, object?[] args, KwArgs? kw) => fn(run, args, kw);
}

/// <summary>A method bound to its receiver (e.g. <c>f = items.append</c>).</summary>
internal sealed class PyBoundMethod(object? self, string name) : PyCallable
{
    public object? Self { get; } = self;

    public override string Name { get; } = name;

    public override object? Call(Run run, object?[] args, KwArgs? kw) => Ops.CallMethod(run, Self, Name, args, kw);

    public override string Repr() => $"<built-in method {Name} of {Ops.TypeName(Self)} object>";
}

internal sealed class PySlice(object? start, object? stop, object? step) : PyObject
{
    public object? Start { get; } = start;

    public object? Stop { get; } = stop;

    public object? Step { get; } = step;

    public override string TypeName => "slice";

    public override string Repr() => $"slice({Ops.Repr(Start)}, {Ops.Repr(Stop)}, {Ops.Repr(Step)})";

    /// <summary>CPython's PySlice_GetIndicesEx.</summary>
    public (long Start, long Stop, long Step, long Count) Indices(long length)
    {
        long step = Step is null ? 1 : Ops.ToIndex(Step);
        if (step == 0)
        {
            throw PyException.ValueError("slice step cannot be zero");
        }

        long start, stop;
        if (Start is null)
        {
            start = step < 0 ? length - 1 : 0;
        }
        else
        {
            start = Ops.ToIndex(Start);
            if (start < 0)
            {
                start += length;
                if (start < 0)
                {
                    start = step < 0 ? -1 : 0;
                }
            }
            else if (start >= length)
            {
                start = step < 0 ? length - 1 : length;
            }
        }

        if (Stop is null)
        {
            stop = step < 0 ? -1 : length;
        }
        else
        {
            stop = Ops.ToIndex(Stop);
            if (stop < 0)
            {
                stop += length;
                if (stop < 0)
                {
                    stop = step < 0 ? -1 : 0;
                }
            }
            else if (stop >= length)
            {
                stop = step < 0 ? length - 1 : length;
            }
        }

        long count;
        if (step < 0)
        {
            count = stop < start ? ((start - stop - 1) / -step) + 1 : 0;
        }
        else
        {
            count = start < stop ? ((stop - start - 1) / step) + 1 : 0;
        }

        return (start, stop, step, count);
    }
}

/// <summary>A lazy iterator (map, filter, zip, enumerate, reversed, generator expressions, iter()).</summary>
internal sealed class PyIterator(string typeName, IEnumerable<object?> source) : PyObject
{
    private IEnumerator<object?>? _enumerator;

    public override string TypeName { get; } = typeName;

    public override IEnumerable<object?> Iterate(Run run)
    {
        _enumerator ??= source.GetEnumerator();
        while (true)
        {
            // iterators can wrap iterators to any depth (map(f, map(f, ...))): each step down checks the stack
            StackGuard.Check(run);
            if (!_enumerator.MoveNext())
            {
                yield break;
            }

            yield return _enumerator.Current;
        }
    }

    public bool TryNext(out object? value)
    {
        _enumerator ??= source.GetEnumerator();
        StackGuard.Check(null);
        if (_enumerator.MoveNext())
        {
            value = _enumerator.Current;
            return true;
        }

        value = null;
        return false;
    }

    public override string Repr() => $"<{TypeName} object>";
}
