namespace Automation.Scripting.Runtime;

/// <summary>A builtin type object (int, str, list ...): callable as a constructor and usable with isinstance.</summary>
internal sealed class PyType(string name, Func<object?, bool> check, Func<Run, object?[], KwArgs?, object?> construct) : PyCallable
{
    public override string Name { get; } = name;

    public override string TypeName => "type";

    public override string Repr() => $"<class '{Name}'>";

    public bool IsInstance(object? o) => check(o);

    public override object? Call(Run run, object?[] args, KwArgs? kw) => construct(run, args, kw);

    public override object? GetAttr(Run run, string name)
    {
        if (Name == "dict" && name == "fromkeys")
        {
            return new PyBuiltin("fromkeys", (r, a, kw) =>
            {
                Args.Range("fromkeys", a, kw, 1, 2);
                var d = new PyDict();
                foreach (var k in Ops.Iterate(r, a[0]))
                {
                    d.Set(r, k, a.Length > 1 ? a[1] : null);
                }

                return d;
            });
        }

        if (Name == "str" && StrMethods.Has(name))
        {
            return new PyBuiltin(name, (r, a, kw) =>
            {
                if (a.Length == 0 || a[0] is not string s)
                {
                    throw PyException.TypeError($"descriptor '{name}' for 'str' objects doesn't apply to a '{(a.Length == 0 ? "nothing" : Ops.TypeName(a[0]))}' object");
                }

                return StrMethods.Call(r, s, name, a[1..], kw);
            });
        }

        return base.GetAttr(run, name);
    }
}
