using Automation.Scripting.Runtime;

namespace Automation.Scripting.Syntax;

internal enum Flow
{
    Normal,
    Break,
    Continue,
    Return,
}

internal abstract class Stmt : Node
{
    public abstract Flow Exec(Frame f);

    public abstract IEnumerable<Node> Children();
}

internal sealed class Block(Stmt[] body) : Stmt
{
    public readonly Stmt[] Body = body;

    public override Flow Exec(Frame f)
    {
        var run = f.Run;
        var body = Body;
        var i = 0;
        try
        {
            for (; i < body.Length; i++)
            {
                run.Tick();
                var stmt = body[i];
                run.Line = stmt.Line;
                var flow = stmt.Exec(f);
                if (flow != Flow.Normal)
                {
                    return flow;
                }
            }
        }
        catch (Exception ex) when (Locate(ex, body[i], run))
        {
            throw;
        }

        return Flow.Normal;
    }

    /// <summary>Records the line of the innermost statement an exception passed through; never catches.</summary>
    private static bool Locate(Exception ex, Stmt stmt, Run run)
    {
        if (ex is PyException p)
        {
            if (p.Line == 0)
            {
                p.Line = stmt.Line;
            }

            if (p.FrameLine == 0)
            {
                p.FrameLine = stmt.Line;
            }
        }

        _ = run;
        return false;
    }

    public override IEnumerable<Node> Children() => Body;
}

internal sealed class ExprStmt(Expr value) : Stmt
{
    public readonly Expr Value = value;

    public override Flow Exec(Frame f)
    {
        Value.Eval(f);
        return Flow.Normal;
    }

    public override IEnumerable<Node> Children() => [Value];
}

internal sealed class AssignStmt(Expr[] targets, Expr value) : Stmt
{
    public readonly Expr[] Targets = targets;
    public readonly Expr Value = value;

    public override Flow Exec(Frame f)
    {
        var v = Value.Eval(f);
        var t = Targets;
        if (t.Length == 1)
        {
            t[0].Assign(f, v);
        }
        else
        {
            foreach (var target in t)
            {
                target.Assign(f, v);
            }
        }

        return Flow.Normal;
    }

    public override IEnumerable<Node> Children() => [.. Targets, Value];
}

internal sealed class AugAssignStmt(Expr target, BinOp op, Expr value) : Stmt
{
    public readonly Expr Target = target;
    public readonly BinOp Op = op;
    public readonly Expr Value = value;

    public override Flow Exec(Frame f)
    {
        var run = f.Run;
        switch (Target)
        {
            case Name n:
                {
                    var cur = n.Eval(f);
                    n.Assign(f, Apply(run, cur, Value.Eval(f)));
                    break;
                }

            case Subscript s:
                {
                    var o = s.Obj.Eval(f);
                    var k = s.Index.Eval(f);
                    var cur = Ops.GetItem(run, o, k);
                    Ops.SetItem(run, o, k, Apply(run, cur, Value.Eval(f)));
                    break;
                }

            case Attribute a:
                {
                    var o = a.Obj.Eval(f);
                    var cur = Ops.GetAttr(run, o, a.Attr);
                    Ops.SetAttr(run, o, a.Attr, Apply(run, cur, Value.Eval(f)));
                    break;
                }
        }

        return Flow.Normal;
    }

    private object? Apply(Run run, object? cur, object? v)
    {
        // in-place operators on mutable containers mutate them (x += [..] on a list)
        if (cur is PyList l)
        {
            if (Op == BinOp.Add)
            {
                var add = Ops.ToList(run, v);
                run.CheckCollection((long)l.Items.Count + add.Count);
                l.Items.AddRange(add);
                return l;
            }

            if (Op == BinOp.Mul)
            {
                var rep = Seq.Repeat(run, l.Items, Ops.ToIndex(v));
                l.Items.Clear();
                l.Items.AddRange(rep);
                return l;
            }
        }

        if (cur is PySet s && !s.Frozen && v is PySet && Op is BinOp.BitOr or BinOp.BitAnd or BinOp.Sub or BinOp.BitXor)
        {
            var r = (PySet)Ops.Binary(run, Op, cur, v)!;
            s.Items.Clear();
            s.Items.UnionWith(r.Items);
            return s;
        }

        if (cur is PyDict d && Op == BinOp.BitOr)
        {
            d.Update(run, v);
            return d;
        }

        try
        {
            return Ops.Binary(run, Op, cur, v);
        }
        catch (PyException e) when (e.Value.Type == PyExceptionType.TypeError && e.Value.Args is [string message]
            && message.StartsWith(UnsupportedPrefix(Op), StringComparison.Ordinal))
        {
            // CPython names the in-place operator: "unsupported operand type(s) for +=: ..."
            var symbol = Ops.BinOpSymbols[(int)Op];
            throw PyException.TypeError("unsupported operand type(s) for " + symbol + "=:" + message[UnsupportedPrefix(Op).Length..]);
        }
    }

    private static string UnsupportedPrefix(BinOp op) =>
        "unsupported operand type(s) for " + (op == BinOp.Pow ? "** or pow()" : Ops.BinOpSymbols[(int)op]) + ":";

    public override IEnumerable<Node> Children() => [Target, Value];
}

internal sealed class IfStmt(Expr test, Stmt body, Stmt? orElse) : Stmt
{
    public readonly Expr Test = test;
    public readonly Stmt Body = body;
    public readonly Stmt? OrElse = orElse;

    public override Flow Exec(Frame f)
    {
        if (Ops.IsTrue(Test.Eval(f)))
        {
            return Body.Exec(f);
        }

        return OrElse?.Exec(f) ?? Flow.Normal;
    }

    public override IEnumerable<Node> Children() => OrElse == null ? [Test, Body] : [Test, Body, OrElse];
}

internal sealed class WhileStmt(Expr test, Stmt body, Stmt? orElse) : Stmt
{
    public readonly Expr Test = test;
    public readonly Stmt Body = body;
    public readonly Stmt? OrElse = orElse;

    public override Flow Exec(Frame f)
    {
        var run = f.Run;
        while (Ops.IsTrue(Test.Eval(f)))
        {
            run.Tick();
            var flow = Body.Exec(f);
            if (flow == Flow.Break)
            {
                return Flow.Normal;
            }

            if (flow == Flow.Return)
            {
                return flow;
            }
        }

        return OrElse?.Exec(f) ?? Flow.Normal;
    }

    public override IEnumerable<Node> Children() => OrElse == null ? [Test, Body] : [Test, Body, OrElse];
}

internal sealed class ForStmt(Expr target, Expr iter, Stmt body, Stmt? orElse) : Stmt
{
    public readonly Expr Target = target;
    public readonly Expr Iter = iter;
    public readonly Stmt Body = body;
    public readonly Stmt? OrElse = orElse;

    public override Flow Exec(Frame f)
    {
        var run = f.Run;
        var it = Iter.Eval(f);
        if (it is PyRange r)
        {
            var n = r.Count;
            var v = r.Start;
            for (long i = 0; i < n; i++, v += r.Step)
            {
                run.Tick();
                Target.Assign(f, Ops.Box(v));
                var flow = Body.Exec(f);
                if (flow == Flow.Break)
                {
                    return Flow.Normal;
                }

                if (flow == Flow.Return)
                {
                    return flow;
                }
            }
        }
        else if (it is PyList l)
        {
            var items = l.Items;
            for (var i = 0; i < items.Count; i++)
            {
                run.Tick();
                Target.Assign(f, items[i]);
                var flow = Body.Exec(f);
                if (flow == Flow.Break)
                {
                    return Flow.Normal;
                }

                if (flow == Flow.Return)
                {
                    return flow;
                }
            }
        }
        else
        {
            foreach (var item in Ops.Iterate(run, it))
            {
                run.Tick();
                Target.Assign(f, item);
                var flow = Body.Exec(f);
                if (flow == Flow.Break)
                {
                    return Flow.Normal;
                }

                if (flow == Flow.Return)
                {
                    return flow;
                }
            }
        }

        return OrElse?.Exec(f) ?? Flow.Normal;
    }

    public override IEnumerable<Node> Children() => OrElse == null ? [Target, Iter, Body] : [Target, Iter, Body, OrElse];
}

internal sealed class SimpleStmt(Flow flow) : Stmt
{
    public readonly Flow Flow = flow; // Normal = pass

    public override Flow Exec(Frame f) => Flow;

    public override IEnumerable<Node> Children() => [];
}

internal sealed class ReturnStmt(Expr? value) : Stmt
{
    public readonly Expr? Value = value;

    public override Flow Exec(Frame f)
    {
        f.ReturnValue = Value?.Eval(f);
        return Flow.Return;
    }

    public override IEnumerable<Node> Children() => Value == null ? [] : [Value];
}

internal sealed class RaiseStmt(Expr? exc, Expr? cause) : Stmt
{
    public readonly Expr? Exc = exc;
    public readonly Expr? Cause = cause;

    public override Flow Exec(Frame f)
    {
        if (Exc == null)
        {
            var current = f.Run.Handling ?? throw PyException.Make(PyExceptionType.RuntimeError, "No active exception to reraise");
            // a bare raise re-raises the same exception, keeping its line and the frames it already left
            current.FrameLine = 0;
            throw current;
        }

        var v = Exc.Eval(f);
        Cause?.Eval(f);
        throw new PyException(ToException(f.Run, v)) { Line = Line };
    }

    public static PyExceptionObject ToException(Run run, object? v) => v switch
    {
        PyExceptionObject o => o,
        PyExceptionType t => (PyExceptionObject)t.Call(run, [], null)!,
        _ => throw PyException.TypeError("exceptions must derive from BaseException"),
    };

    public override IEnumerable<Node> Children() => new[] { Exc, Cause }.Where(e => e != null).Cast<Node>();
}

internal sealed class ExceptHandler(Expr? type, Name? name, Stmt body) : Node
{
    public readonly Expr? Type = type;
    public readonly Name? Name = name;
    public readonly Stmt Body = body;
}

internal sealed class TryExceptStmt(Stmt body, ExceptHandler[] handlers, Stmt? orElse) : Stmt
{
    public readonly Stmt Body = body;
    public readonly ExceptHandler[] Handlers = handlers;
    public readonly Stmt? OrElse = orElse;

    public override Flow Exec(Frame f)
    {
        Flow flow;
        PyException pe;
        try
        {
            flow = Body.Exec(f);
        }
        catch (Exception ex) when (ex is not ScriptLimitExceededException)
        {
            pe = PyException.From(ex);
            if (pe.Line == 0 && ex is PyException orig)
            {
                pe.Line = orig.Line;
            }

            var run = f.Run;
            foreach (var h in Handlers)
            {
                if (h.Type != null && !Matches(h.Type.Eval(f), pe.Value.Type))
                {
                    continue;
                }

                h.Name?.Assign(f, pe.Value);
                var saved = run.Handling;
                run.Handling = pe;
                try
                {
                    return h.Body.Exec(f);
                }
                finally
                {
                    run.Handling = saved;
                    h.Name?.Assign(f, Unbound.Instance);
                }
            }

            throw;
        }

        if (flow == Flow.Normal && OrElse != null)
        {
            return OrElse.Exec(f);
        }

        return flow;
    }

    private static bool Matches(object? handlerType, PyExceptionType actual)
    {
        switch (handlerType)
        {
            case PyExceptionType t:
                return actual.IsSubclassOf(t);
            case PyTuple tuple:
                foreach (var x in tuple.Items)
                {
                    if (Matches(x, actual))
                    {
                        return true;
                    }
                }

                return false;
            default:
                throw PyException.TypeError("catching classes that do not inherit from BaseException is not allowed");
        }
    }

    public override IEnumerable<Node> Children()
    {
        yield return Body;
        foreach (var h in Handlers)
        {
            if (h.Type != null)
            {
                yield return h.Type;
            }

            if (h.Name != null)
            {
                yield return h.Name;
            }

            yield return h.Body;
        }

        if (OrElse != null)
        {
            yield return OrElse;
        }
    }
}

internal sealed class TryFinallyStmt(Stmt body, Stmt final) : Stmt
{
    public readonly Stmt Body = body;
    public readonly Stmt Final = final;

    public override Flow Exec(Frame f)
    {
        Flow flow;
        try
        {
            flow = Body.Exec(f);
        }
        catch (Exception ex) when (ex is not ScriptLimitExceededException)
        {
            var ff = Final.Exec(f);
            if (ff != Flow.Normal)
            {
                return ff; // return/break in finally discards the exception, as in Python
            }

            throw;
        }

        var ret = f.ReturnValue;
        var fl = Final.Exec(f);
        if (fl != Flow.Normal)
        {
            return fl;
        }

        f.ReturnValue = ret;
        return flow;
    }

    public override IEnumerable<Node> Children() => [Body, Final];
}

internal sealed class FunctionDefStmt(Name target, LambdaExpr function) : Stmt
{
    public readonly Name Target = target;
    public readonly LambdaExpr Function = function;

    public override Flow Exec(Frame f)
    {
        Target.Assign(f, Function.Eval(f));
        return Flow.Normal;
    }

    public override IEnumerable<Node> Children() => [Target, Function];
}

internal sealed class DeleteStmt(Expr[] targets) : Stmt
{
    public readonly Expr[] Targets = targets;

    public override Flow Exec(Frame f)
    {
        foreach (var t in Targets)
        {
            t.Delete(f);
        }

        return Flow.Normal;
    }

    public override IEnumerable<Node> Children() => Targets;
}

internal sealed class AssertStmt(Expr test, Expr? message) : Stmt
{
    public readonly Expr Test = test;
    public readonly Expr? Message = message;

    public override Flow Exec(Frame f)
    {
        if (!Ops.IsTrue(Test.Eval(f)))
        {
            var args = Message == null ? Array.Empty<object?>() : [Message.Eval(f)];
            throw new PyException(new PyExceptionObject(PyExceptionType.AssertionError, args));
        }

        return Flow.Normal;
    }

    public override IEnumerable<Node> Children() => Message == null ? [Test] : [Test, Message];
}
