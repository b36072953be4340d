using System.Runtime.CompilerServices;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Syntax;

internal abstract class Node
{
    public int Line;
    public int Col;
}

internal abstract class Expr : Node
{
    public abstract object? Eval(Frame f);

    public virtual void Assign(Frame f, object? value) => throw new InvalidOperationException("not assignable");

    public virtual void Delete(Frame f) => throw new InvalidOperationException("not deletable");

    /// <summary>Visits direct child expressions (for the resolver and depth checks).</summary>
    public abstract IEnumerable<Node> Children();
}

internal sealed class Constant(object? value) : Expr
{
    public readonly object? Value = value;

    public override object? Eval(Frame f) => Value;

    public override IEnumerable<Node> Children() => [];
}

internal enum NameKind
{
    Unresolved,
    Local,
    Cell,
    Free,
    Global,
}

internal sealed class Name(string id) : Expr
{
    public readonly string Id = id;
    public bool Binds;
    public NameKind Kind;
    public int Index;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override object? Eval(Frame f)
    {
        object? v;
        switch (Kind)
        {
            case NameKind.Local:
                v = f.Slots[Index];
                break;
            case NameKind.Global:
                v = f.Globals[Index];
                break;
            case NameKind.Cell:
                v = ((Cell)f.Slots[Index]!).Value;
                break;
            default:
                v = f.Free![Index].Value;
                break;
        }

        if (v is Unbound)
        {
            throw Unbound();
        }

        return v;
    }

    private PyException Unbound() => Kind switch
    {
        NameKind.Local or NameKind.Cell => PyException.Make(PyExceptionType.UnboundLocalError, $"cannot access local variable '{Id}' where it is not associated with a value"),
        NameKind.Free => PyException.NameError($"cannot access free variable '{Id}' where it is not associated with a value in enclosing scope"),
        _ => PyException.NameError($"name '{Id}' is not defined"),
    };

    public override void Assign(Frame f, object? value)
    {
        switch (Kind)
        {
            case NameKind.Local:
                f.Slots[Index] = value;
                break;
            case NameKind.Global:
                f.Globals[Index] = value;
                break;
            case NameKind.Cell:
                ((Cell)f.Slots[Index]!).Value = value;
                break;
            default:
                f.Free![Index].Value = value;
                break;
        }
    }

    public override void Delete(Frame f)
    {
        Eval(f);
        Assign(f, Runtime.Unbound.Instance);
    }

    public override IEnumerable<Node> Children() => [];
}

internal sealed class BinaryExpr(BinOp op, Expr left, Expr right) : Expr
{
    public readonly BinOp Op = op;
    public readonly Expr Left = left;
    public readonly Expr Right = right;

    public override object? Eval(Frame f)
    {
        var a = Left.Eval(f);
        var b = Right.Eval(f);
        switch (Op)
        {
            case BinOp.Add:
                return Ops.Add(f.Run, a, b);
            case BinOp.Sub:
                return Ops.Sub(f.Run, a, b);
            case BinOp.Mul:
                return Ops.Mul(f.Run, a, b);
            case BinOp.Mod:
                return Ops.Mod(f.Run, a, b);
            default:
                return Ops.Binary(f.Run, Op, a, b);
        }
    }

    public override IEnumerable<Node> Children() => [Left, Right];
}

internal enum UnaryOp
{
    Neg,
    Pos,
    Invert,
    Not,
}

internal sealed class UnaryExpr(UnaryOp op, Expr operand) : Expr
{
    public readonly UnaryOp Op = op;
    public readonly Expr Operand = operand;

    public override object? Eval(Frame f)
    {
        var v = Operand.Eval(f);
        return Op switch
        {
            UnaryOp.Not => Ops.Box(!Ops.IsTrue(v)),
            UnaryOp.Neg => Ops.Neg(f.Run, v),
            UnaryOp.Pos => Ops.Pos(v),
            _ => Ops.Invert(v),
        };
    }

    public override IEnumerable<Node> Children() => [Operand];
}

internal sealed class BoolOpExpr(bool isAnd, Expr[] values) : Expr
{
    public readonly bool IsAnd = isAnd;
    public readonly Expr[] Values = values;

    public override object? Eval(Frame f)
    {
        object? v = null;
        for (var i = 0; i < Values.Length; i++)
        {
            v = Values[i].Eval(f);
            if (Ops.IsTrue(v) != IsAnd)
            {
                return v;
            }
        }

        return v;
    }

    public override IEnumerable<Node> Children() => Values;
}

internal enum CmpOp
{
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

internal sealed class CompareExpr(Expr left, CmpOp[] ops, Expr[] rights) : Expr
{
    public readonly Expr Left = left;
    public readonly CmpOp[] OpsList = ops;
    public readonly Expr[] Rights = rights;

    public override object? Eval(Frame f)
    {
        var a = Left.Eval(f);
        for (var i = 0; i < OpsList.Length; i++)
        {
            var b = Rights[i].Eval(f);
            if (!Compare(f.Run, OpsList[i], a, b))
            {
                return Ops.False;
            }

            a = b;
        }

        return Ops.True;
    }

    public static bool Compare(Run run, CmpOp op, object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            switch (op)
            {
                case CmpOp.Lt: return x < y;
                case CmpOp.LtE: return x <= y;
                case CmpOp.Gt: return x > y;
                case CmpOp.GtE: return x >= y;
                case CmpOp.Eq: return x == y;
                case CmpOp.NotEq: return x != y;
            }
        }

        return op switch
        {
            CmpOp.Eq => Ops.Eq(a, b),
            CmpOp.NotEq => !Ops.Eq(a, b),
            CmpOp.Lt => Ops.CompareOrThrow(a, b, "<") == -1,
            CmpOp.LtE => Ops.CompareOrThrow(a, b, "<=") is -1 or 0,
            CmpOp.Gt => Ops.CompareOrThrow(a, b, ">") == 1,
            CmpOp.GtE => Ops.CompareOrThrow(a, b, ">=") is 1 or 0,
            CmpOp.Is => Is(a, b),
            CmpOp.IsNot => !Is(a, b),
            CmpOp.In => Ops.Contains(run, b, a),
            _ => !Ops.Contains(run, b, a),
        };
    }

    private static bool Is(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        // value types are boxed: identity of small ints, bools and interned strings behaves like CPython
        return (a, b) switch
        {
            (bool x, bool y) => x == y,
            (long x, long y) => x == y && x >= -5 && x <= 256,
            (string x, string y) => x.Length <= 1 && x == y,
            _ => false,
        };
    }

    public override IEnumerable<Node> Children() => [Left, .. Rights];
}

internal sealed class IfExpr(Expr test, Expr body, Expr orElse) : Expr
{
    public readonly Expr Test = test;
    public readonly Expr Body = body;
    public readonly Expr OrElse = orElse;

    public override object? Eval(Frame f) => Ops.IsTrue(Test.Eval(f)) ? Body.Eval(f) : OrElse.Eval(f);

    public override IEnumerable<Node> Children() => [Test, Body, OrElse];
}

internal sealed class Starred(Expr value) : Expr
{
    public readonly Expr Value = value;

    public override object? Eval(Frame f) => throw PyException.Make(PyExceptionType.RuntimeError, "can't use starred expression here");

    public override IEnumerable<Node> Children() => [Value];
}

internal sealed class Attribute(Expr obj, string attr) : Expr
{
    public readonly Expr Obj = obj;
    public readonly string Attr = attr;

    public override object? Eval(Frame f) => Ops.GetAttr(f.Run, Obj.Eval(f), Attr);

    public override void Assign(Frame f, object? value) => Ops.SetAttr(f.Run, Obj.Eval(f), Attr, value);

    public override void Delete(Frame f) => throw PyException.AttributeError($"cannot delete attribute '{Attr}'");

    public override IEnumerable<Node> Children() => [Obj];
}

internal sealed class Subscript(Expr obj, Expr index) : Expr
{
    public readonly Expr Obj = obj;
    public readonly Expr Index = index;

    public override object? Eval(Frame f)
    {
        var o = Obj.Eval(f);
        var k = Index.Eval(f);
        return Ops.GetItem(f.Run, o, k);
    }

    public override void Assign(Frame f, object? value)
    {
        var o = Obj.Eval(f);
        var k = Index.Eval(f);
        Ops.SetItem(f.Run, o, k, value);
    }

    public override void Delete(Frame f)
    {
        var o = Obj.Eval(f);
        Ops.DelItem(f.Run, o, Index.Eval(f));
    }

    public override IEnumerable<Node> Children() => [Obj, Index];
}

internal sealed class SliceExpr(Expr? lower, Expr? upper, Expr? step) : Expr
{
    public readonly Expr? Lower = lower;
    public readonly Expr? Upper = upper;
    public readonly Expr? Step = step;

    public override object? Eval(Frame f) => new PySlice(Lower?.Eval(f), Upper?.Eval(f), Step?.Eval(f));

    public override IEnumerable<Node> Children()
    {
        foreach (var e in new[] { Lower, Upper, Step })
        {
            if (e != null)
            {
                yield return e;
            }
        }
    }
}

/// <summary>List, tuple and set displays (with optional *unpacking).</summary>
internal sealed class SequenceExpr(char kind, Expr[] elts) : Expr
{
    public readonly char Kind = kind; // '[', '(', '{'
    public readonly Expr[] Elts = elts;
    private readonly bool _hasStar = elts.Any(e => e is Starred);

    public override object? Eval(Frame f)
    {
        var run = f.Run;
        if (!_hasStar)
        {
            var items = new object?[Elts.Length];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = Elts[i].Eval(f);
            }

            run.Alloc(items.Length * 8L);
            return Kind switch
            {
                '[' => new PyList(new List<object?>(items)),
                '(' => items.Length == 0 ? PyTuple.Empty : new PyTuple(items),
                _ => new PySet(items, false),
            };
        }

        var list = new List<object?>();
        foreach (var e in Elts)
        {
            if (e is Starred s)
            {
                list.AddRange(Ops.ToList(run, s.Value.Eval(f)));
                run.CheckCollection(list.Count);
            }
            else
            {
                list.Add(e.Eval(f));
            }
        }

        return Kind switch
        {
            '[' => new PyList(list),
            '(' => new PyTuple([.. list]),
            _ => new PySet(list, false),
        };
    }

    public override void Assign(Frame f, object? value)
    {
        var run = f.Run;
        List<object?> items;
        if (value is PyTuple t && !_hasStar)
        {
            if (t.Items.Length != Elts.Length)
            {
                throw Mismatch(t.Items.Length);
            }

            for (var i = 0; i < Elts.Length; i++)
            {
                Elts[i].Assign(f, t.Items[i]);
            }

            return;
        }

        if (value is PyList || value is PyTuple || value is string || value is PyObject)
        {
            items = Ops.ToList(run, value);
        }
        else
        {
            throw PyException.TypeError($"cannot unpack non-iterable {Ops.TypeName(value)} object");
        }

        var star = Array.FindIndex(Elts, e => e is Starred);
        if (star < 0)
        {
            if (items.Count != Elts.Length)
            {
                throw Mismatch(items.Count);
            }

            for (var i = 0; i < Elts.Length; i++)
            {
                Elts[i].Assign(f, items[i]);
            }

            return;
        }

        var after = Elts.Length - star - 1;
        if (items.Count < Elts.Length - 1)
        {
            throw PyException.ValueError($"not enough values to unpack (expected at least {Elts.Length - 1}, got {items.Count})");
        }

        for (var i = 0; i < star; i++)
        {
            Elts[i].Assign(f, items[i]);
        }

        ((Starred)Elts[star]).Value.Assign(f, new PyList(items.GetRange(star, items.Count - star - after)));
        for (var i = 0; i < after; i++)
        {
            Elts[star + 1 + i].Assign(f, items[items.Count - after + i]);
        }
    }

    private PyException Mismatch(int got) => got > Elts.Length
        ? PyException.ValueError($"too many values to unpack (expected {Elts.Length})")
        : PyException.ValueError($"not enough values to unpack (expected {Elts.Length}, got {got})");

    public override void Delete(Frame f)
    {
        foreach (var e in Elts)
        {
            e.Delete(f);
        }
    }

    public override IEnumerable<Node> Children() => Elts;
}

internal sealed class DictExpr(Expr?[] keys, Expr[] values) : Expr
{
    public readonly Expr?[] Keys = keys; // null key = **mapping
    public readonly Expr[] Values = values;

    public override object? Eval(Frame f)
    {
        var run = f.Run;
        var d = new PyDict(Keys.Length);
        for (var i = 0; i < Keys.Length; i++)
        {
            if (Keys[i] == null)
            {
                var m = Values[i].Eval(f);
                if (m is not PyDict md)
                {
                    throw PyException.TypeError($"'{Ops.TypeName(m)}' object is not a mapping");
                }

                foreach (var p in md.Pairs)
                {
                    d.Set(run, p.Key, p.Value);
                }

                continue;
            }

            var k = Keys[i]!.Eval(f);
            var v = Values[i].Eval(f);
            Ops.Hash(k);
            d.Set(run, k, v);
        }

        return d;
    }

    public override IEnumerable<Node> Children()
    {
        foreach (var k in Keys)
        {
            if (k != null)
            {
                yield return k;
            }
        }

        foreach (var v in Values)
        {
            yield return v;
        }
    }
}

internal sealed class Keyword(string? name, Expr value) : Node
{
    public readonly string? Name = name; // null = **kwargs
    public readonly Expr Value = value;
}

internal sealed class CallExpr(Expr func, Expr[] args, Keyword[] keywords) : Expr
{
    public readonly Expr Func = func;
    public readonly Expr[] Args = args;
    public readonly Keyword[] Keywords = keywords;
    private readonly bool _simple = keywords.Length == 0 && !args.Any(a => a is Starred);
    private readonly StrMethod _strMethod = func is Attribute fa ? StrMethods.Id(fa.Attr) : StrMethod.Unknown;

    public override object? Eval(Frame f)
    {
        var run = f.Run;
        run.Tick();
        if (Func is Attribute attr)
        {
            var self = attr.Obj.Eval(f);
            if (self is string s)
            {
                // the method name was resolved when the program was compiled; unknown names fail before the arguments run
                if (_strMethod == StrMethod.Unknown)
                {
                    throw PyException.AttributeError($"'str' object has no attribute '{attr.Attr}'");
                }

                var (sa, skw) = EvalArgs(f);
                return StrMethods.Call(run, s, _strMethod, attr.Attr, sa, skw);
            }

            if (self is PyObject po)
            {
                po.CheckMethod(run, attr.Attr);
            }
            else
            {
                Ops.GetAttr(run, self, attr.Attr);
            }

            var (a, kw) = EvalArgs(f);
            return Ops.CallMethod(run, self, attr.Attr, a, kw);
        }

        var fn = Func.Eval(f);
        if (_simple && fn is PyFunction pf && pf.Code.Simple && Args.Length == pf.Code.PosCount)
        {
            var slots = new object?[pf.Code.NSlots];
            for (var i = 0; i < Args.Length; i++)
            {
                slots[i] = Args[i].Eval(f);
            }

            return pf.InvokeSlots(run, slots);
        }

        var (args, kwargs) = EvalArgs(f);
        return Ops.Call(run, fn, args, kwargs);
    }

    private (object?[] Args, KwArgs? Kw) EvalArgs(Frame f)
    {
        object?[] args;
        if (_simple)
        {
            if (Args.Length == 0)
            {
                return ([], null);
            }

            args = new object?[Args.Length];
            for (var i = 0; i < Args.Length; i++)
            {
                args[i] = Args[i].Eval(f);
            }

            return (args, null);
        }

        var list = new List<object?>(Args.Length);
        foreach (var a in Args)
        {
            if (a is Starred s)
            {
                list.AddRange(Ops.ToList(f.Run, s.Value.Eval(f)));
            }
            else
            {
                list.Add(a.Eval(f));
            }
        }

        KwArgs? kw = null;
        if (Keywords.Length > 0)
        {
            kw = new KwArgs(Keywords.Length);
            foreach (var k in Keywords)
            {
                if (k.Name != null)
                {
                    kw.Add(k.Name, k.Value.Eval(f));
                    continue;
                }

                var m = k.Value.Eval(f);
                if (m is not PyDict md)
                {
                    throw PyException.TypeError($"argument after ** must be a mapping, not {Ops.TypeName(m)}");
                }

                foreach (var p in md.Pairs)
                {
                    if (p.Key is not string ks)
                    {
                        throw PyException.TypeError("keywords must be strings");
                    }

                    if (ks.StartsWith("__", StringComparison.Ordinal))
                    {
                        throw PyException.TypeError($"keyword '{ks}' is not allowed");
                    }

                    if (kw.Exists(x => x.Key == ks))
                    {
                        var fname = Func switch { Name n => n.Id, Attribute a => a.Attr, _ => "function" };
                        throw PyException.TypeError($"{fname}() got multiple values for keyword argument '{ks}'");
                    }

                    kw.Add(ks, p.Value);
                }
            }
        }

        return ([.. list], kw);
    }

    public override IEnumerable<Node> Children() => [Func, .. Args, .. Keywords.Select(k => k.Value)];
}

internal sealed class LambdaExpr(FunctionCode code, Expr[] defaults, (string Name, Expr Value)[] kwDefaults) : Expr
{
    public readonly FunctionCode Code = code;
    public readonly Expr[] Defaults = defaults;
    public readonly (string Name, Expr Value)[] KwDefaults = kwDefaults;

    public override object? Eval(Frame f) => MakeFunction(f, Code, Defaults, KwDefaults);

    public static PyFunction MakeFunction(Frame f, FunctionCode code, Expr[] defaults, (string Name, Expr Value)[] kwDefaults)
    {
        var d = new object?[defaults.Length];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = defaults[i].Eval(f);
        }

        Dictionary<string, object?>? kd = null;
        if (kwDefaults.Length > 0)
        {
            kd = [];
            foreach (var (name, value) in kwDefaults)
            {
                kd[name] = value.Eval(f);
            }
        }

        f.Run.Alloc(64);
        return new PyFunction(code, d, kd, code.BuildClosure(f), f.Globals);
    }

    public override IEnumerable<Node> Children() => [.. Defaults, .. KwDefaults.Select(k => k.Value)];
}

internal sealed class ComprehensionFor(Expr target, Expr iter, Expr[] ifs)
{
    public readonly Expr Target = target;
    public readonly Expr Iter = iter;
    public readonly Expr[] Ifs = ifs;
}

/// <summary>List/set/dict comprehensions and generator expressions; each runs in its own scope.</summary>
internal sealed class ComprehensionExpr(char kind, Expr elt, Expr? value, ComprehensionFor[] gens) : Expr
{
    public readonly char Kind = kind; // '[', '{' (set), 'd' (dict), '(' (generator)
    public readonly Expr Elt = elt;
    public readonly Expr? Value = value;
    public readonly ComprehensionFor[] Gens = gens;
    public FunctionCode Code = new() { Name = "<listcomp>" };

    public override object? Eval(Frame f)
    {
        var run = f.Run;
        var first = Gens[0].Iter.Eval(f);
        var slots = new object?[Code.NSlots];
        Code.PrepareSlots(slots, 0);
        var inner = new Frame(run, slots, f.Globals, Code.BuildClosure(f));
        switch (Kind)
        {
            case '[' when Gens.Length == 1 && first is PyRange or PyList:
                return new PyList(SimpleList(inner, first));
            case '[':
                {
                    var list = new List<object?>();
                    foreach (var _ in Loop(inner, 0, first))
                    {
                        if (list.Count >= run.MaxCollection)
                        {
                            run.CheckCollection(list.Count + 1L);
                        }

                        list.Add(Elt.Eval(inner));
                    }

                    run.Alloc(list.Count * 8L);
                    return new PyList(list);
                }

            case '{':
                {
                    var set = new PySet(false);
                    foreach (var _ in Loop(inner, 0, first))
                    {
                        set.Add(run, Elt.Eval(inner));
                    }

                    return set;
                }

            case 'd':
                {
                    var d = new PyDict();
                    foreach (var _ in Loop(inner, 0, first))
                    {
                        var k = Elt.Eval(inner);
                        var v = Value!.Eval(inner);
                        Ops.Hash(k);
                        d.Set(run, k, v);
                    }

                    return d;
                }

            default:
                return new PyIterator("generator", Generate(inner, first));
        }
    }

    /// <summary>Fast path of the common [expr for x in range/list if cond] shape: no iterator objects.</summary>
    private List<object?> SimpleList(Frame inner, object? first)
    {
        var run = inner.Run;
        var gen = Gens[0];
        var list = new List<object?>();
        var ifs = gen.Ifs;
        if (first is PyRange r)
        {
            var n = r.Count;
            var v = r.Start;
            for (long i = 0; i < n; i++, v += r.Step)
            {
                run.Tick();
                gen.Target.Assign(inner, Ops.Box(v));
                if (Accept(inner, ifs))
                {
                    if (list.Count >= run.MaxCollection)
                    {
                        run.CheckCollection(list.Count + 1L);
                    }

                    list.Add(Elt.Eval(inner));
                }
            }
        }
        else
        {
            var items = ((PyList)first!).Items;
            for (var i = 0; i < items.Count; i++)
            {
                run.Tick();
                gen.Target.Assign(inner, items[i]);
                if (Accept(inner, ifs))
                {
                    if (list.Count >= run.MaxCollection)
                    {
                        run.CheckCollection(list.Count + 1L);
                    }

                    list.Add(Elt.Eval(inner));
                }
            }
        }

        run.Alloc(list.Count * 8L);
        return list;
    }

    private static bool Accept(Frame inner, Expr[] ifs)
    {
        for (var k = 0; k < ifs.Length; k++)
        {
            if (!Ops.IsTrue(ifs[k].Eval(inner)))
            {
                return false;
            }
        }

        return true;
    }

    private IEnumerable<object?> Generate(Frame inner, object? first)
    {
        foreach (var _ in Loop(inner, 0, first))
        {
            yield return Elt.Eval(inner);
        }
    }

    private IEnumerable<bool> Loop(Frame inner, int level, object? iterable)
    {
        var gen = Gens[level];
        var run = inner.Run;
        foreach (var item in Ops.Iterate(run, iterable))
        {
            run.Tick();
            gen.Target.Assign(inner, item);
            var ok = true;
            foreach (var cond in gen.Ifs)
            {
                if (!Ops.IsTrue(cond.Eval(inner)))
                {
                    ok = false;
                    break;
                }
            }

            if (!ok)
            {
                continue;
            }

            if (level + 1 == Gens.Length)
            {
                yield return true;
            }
            else
            {
                foreach (var x in Loop(inner, level + 1, Gens[level + 1].Iter.Eval(inner)))
                {
                    yield return x;
                }
            }
        }
    }

    public override IEnumerable<Node> Children()
    {
        yield return Elt;
        if (Value != null)
        {
            yield return Value;
        }

        foreach (var g in Gens)
        {
            yield return g.Target;
            yield return g.Iter;
            foreach (var c in g.Ifs)
            {
                yield return c;
            }
        }
    }
}

internal sealed class FormattedValue(Expr value, char conversion, Expr? spec) : Expr
{
    public readonly Expr Value = value;
    public readonly char Conversion = conversion;
    public readonly Expr? Spec = spec;

    public override object? Eval(Frame f)
    {
        var v = Value.Eval(f);
        v = Conversion switch
        {
            'r' or 'a' => Ops.Repr(v),
            's' => Ops.Str(v),
            _ => v,
        };
        var spec = Spec == null ? "" : Ops.Str(Spec.Eval(f));
        return Formatting.Format(f.Run, v, spec);
    }

    public override IEnumerable<Node> Children() => Spec == null ? [Value] : [Value, Spec];
}

internal sealed class JoinedStr(Expr[] parts) : Expr
{
    public readonly Expr[] Parts = parts;

    public override object? Eval(Frame f)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var p in Parts)
        {
            sb.Append((string)p.Eval(f)!);
        }

        f.Run.CheckString(sb.Length);
        return sb.ToString();
    }

    public override IEnumerable<Node> Children() => Parts;
}

internal sealed class NamedExpr(Name target, Expr value) : Expr
{
    public readonly Name Target = target;
    public readonly Expr Value = value;

    public override object? Eval(Frame f)
    {
        var v = Value.Eval(f);
        Target.Assign(f, v);
        return v;
    }

    public override IEnumerable<Node> Children() => [Target, Value];
}
