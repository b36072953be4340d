using Automation.Scripting.Syntax;

namespace Automation.Scripting.Runtime;

/// <summary>Compile-time description of a function, lambda or comprehension scope.</summary>
internal sealed class FunctionCode
{
    public string Name = "<lambda>";
    public string[] ParamNames = [];
    public int PosCount;
    public int KwOnlyCount;
    public int VarArgsSlot = -1;
    public int KwArgsSlot = -1;
    public int NSlots;
    public int[] CellSlots = [];
    public (bool FromFree, int Index)[] FreeSources = [];
    public Stmt Body = null!;
    public int Line;

    /// <summary>Positional-only call with exactly PosCount arguments can fill slots directly.</summary>
    public bool Simple => VarArgsSlot < 0 && KwArgsSlot < 0 && KwOnlyCount == 0;

    public Cell[]? BuildClosure(Frame f)
    {
        if (FreeSources.Length == 0)
        {
            return null;
        }

        var cells = new Cell[FreeSources.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            var (fromFree, index) = FreeSources[i];
            cells[i] = fromFree ? f.Free![index] : (Cell)f.Slots[index]!;
        }

        return cells;
    }

    public void PrepareSlots(object?[] slots, int firstNonParam)
    {
        for (var i = firstNonParam; i < slots.Length; i++)
        {
            slots[i] = Unbound.Instance;
        }

        foreach (var c in CellSlots)
        {
            slots[c] = new Cell { Value = slots[c] };
        }
    }
}

/// <summary>A user-defined function (def or lambda) with its defaults and closure.</summary>
internal sealed class PyFunction(FunctionCode code, object?[] defaults, Cell[]? closure, object?[] globals) : PyCallable
{
    public readonly FunctionCode Code = code;
    public readonly object?[] Defaults = defaults; // aligned to the end of the positional parameters, then kw-only defaults by name
    public readonly Dictionary<string, object?>? KwDefaults;
    public readonly Cell[]? Closure = closure;
    public readonly object?[] Globals = globals;

    public PyFunction(FunctionCode code, object?[] defaults, Dictionary<string, object?>? kwDefaults, Cell[]? closure, object?[] globals)
        : this(code, defaults, closure, globals)
    {
        KwDefaults = kwDefaults;
    }

    public override string Name => Code.Name;

    public override string TypeName => "function";

    public override string Repr() => $"<function {Code.Name}>";

    public int ParamCount => Code.PosCount + Code.KwOnlyCount + (Code.VarArgsSlot >= 0 ? 1 : 0) + (Code.KwArgsSlot >= 0 ? 1 : 0);

    /// <summary>Runs the body with slots already holding the positional arguments.</summary>
    public object? InvokeSlots(Run run, object?[] slots)
    {
        var code = Code;
        code.PrepareSlots(slots, ParamCount);
        run.EnterCall();
        try
        {
            var frame = new Frame(run, slots, Globals, Closure);
            code.Body.Exec(frame);
            return frame.ReturnValue;
        }
        catch (PyException e) when (LeaveFrame(e, code))
        {
            throw;
        }
        finally
        {
            run.Depth--;
        }
    }

    /// <summary>Exception filter: records this frame in the traceback; never catches.</summary>
    private static bool LeaveFrame(PyException e, FunctionCode code)
    {
        e.Frames.Add((code.Name, e.FrameLine != 0 ? e.FrameLine : code.Line));
        e.FrameLine = 0;
        return false;
    }

    public override object? Call(Run run, object?[] args, KwArgs? kw)
    {
        var code = Code;
        var slots = new object?[code.NSlots];
        if ((kw == null || kw.Count == 0) && code.Simple && args.Length == code.PosCount)
        {
            Array.Copy(args, slots, args.Length);
            return InvokeSlots(run, slots);
        }

        Bind(run, slots, args, kw);
        return InvokeSlots(run, slots);
    }

    private void Bind(Run run, object?[] slots, object?[] args, KwArgs? kw)
    {
        var code = Code;
        var set = new bool[code.PosCount + code.KwOnlyCount];
        var npos = Math.Min(args.Length, code.PosCount);
        for (var i = 0; i < npos; i++)
        {
            slots[i] = args[i];
            set[i] = true;
        }

        if (args.Length > code.PosCount)
        {
            if (code.VarArgsSlot < 0)
            {
                var given = args.Length;
                var takes = Defaults.Length > 0
                    ? $"from {code.PosCount - Defaults.Length} to {code.PosCount} positional arguments"
                    : $"{code.PosCount} positional argument{(code.PosCount == 1 ? "" : "s")}";
                throw PyException.TypeError($"{code.Name}() takes {takes} but {given} {(given == 1 ? "was" : "were")} given");
            }

            slots[code.VarArgsSlot] = new PyTuple(args[code.PosCount..]);
        }
        else if (code.VarArgsSlot >= 0)
        {
            slots[code.VarArgsSlot] = PyTuple.Empty;
        }

        PyDict? extra = code.KwArgsSlot >= 0 ? new PyDict() : null;
        if (kw != null)
        {
            foreach (var p in kw)
            {
                var idx = Array.IndexOf(code.ParamNames, p.Key, 0, code.PosCount + code.KwOnlyCount);
                if (idx < 0)
                {
                    if (extra == null)
                    {
                        throw PyException.TypeError($"{code.Name}() got an unexpected keyword argument '{p.Key}'");
                    }

                    extra.Set(run, p.Key, p.Value);
                    continue;
                }

                if (set[idx])
                {
                    throw PyException.TypeError($"{code.Name}() got multiple values for argument '{p.Key}'");
                }

                slots[idx] = p.Value;
                set[idx] = true;
            }
        }

        if (extra != null)
        {
            slots[code.KwArgsSlot] = extra;
        }

        var firstDefault = code.PosCount - Defaults.Length;
        List<string>? missing = null;
        for (var i = 0; i < code.PosCount; i++)
        {
            if (!set[i])
            {
                if (i >= firstDefault)
                {
                    slots[i] = Defaults[i - firstDefault];
                }
                else
                {
                    (missing ??= []).Add(code.ParamNames[i]);
                }
            }
        }

        if (missing != null)
        {
            throw PyException.TypeError($"{code.Name}() missing {missing.Count} required positional argument{(missing.Count == 1 ? "" : "s")}: {JoinNames(missing)}");
        }

        for (var i = code.PosCount; i < code.PosCount + code.KwOnlyCount; i++)
        {
            if (!set[i])
            {
                if (KwDefaults != null && KwDefaults.TryGetValue(code.ParamNames[i], out var dv))
                {
                    slots[i] = dv;
                }
                else
                {
                    (missing ??= []).Add(code.ParamNames[i]);
                }
            }
        }

        if (missing != null)
        {
            throw PyException.TypeError($"{code.Name}() missing {missing.Count} required keyword-only argument{(missing.Count == 1 ? "" : "s")}: {JoinNames(missing)}");
        }
    }

    private static string JoinNames(List<string> names)
    {
        var quoted = names.Select(n => "'" + n + "'").ToList();
        if (quoted.Count == 1)
        {
            return quoted[0];
        }

        if (quoted.Count == 2)
        {
            return quoted[0] + " and " + quoted[1];
        }

        return string.Join(", ", quoted.Take(quoted.Count - 1)) + ", and " + quoted[^1];
    }
}
