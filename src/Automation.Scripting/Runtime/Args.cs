namespace Automation.Scripting.Runtime;

/// <summary>Argument checking helpers for builtins, with CPython's messages.</summary>
internal static class Args
{
    public static void Exact(string fn, object?[] a, KwArgs? kw, int n)
    {
        NoKw(fn, kw);
        if (a.Length != n)
        {
            var shortName = fn.Contains('.', StringComparison.Ordinal) ? fn[(fn.IndexOf('.', StringComparison.Ordinal) + 1)..] : fn;
            if (n == 0)
            {
                throw PyException.TypeError($"{fn}() takes no arguments ({a.Length} given)");
            }

            if (n == 1)
            {
                throw PyException.TypeError($"{fn}() takes exactly one argument ({a.Length} given)");
            }

            throw PyException.TypeError($"{shortName} expected {n} arguments, got {a.Length}");
        }
    }

    public static void Range(string fn, object?[] a, KwArgs? kw, int min, int max, bool allowKw = false)
    {
        if (!allowKw)
        {
            NoKw(fn, kw);
        }

        if (a.Length < min)
        {
            throw PyException.TypeError($"{fn} expected at least {min} argument{(min == 1 ? "" : "s")}, got {a.Length}");
        }

        if (a.Length > max)
        {
            throw PyException.TypeError($"{fn} expected at most {max} argument{(max == 1 ? "" : "s")}, got {a.Length}");
        }
    }

    public static void NoKw(string fn, KwArgs? kw)
    {
        if (kw != null && kw.Count > 0)
        {
            throw PyException.TypeError($"{fn}() takes no keyword arguments");
        }
    }

    public static object? Kw(KwArgs? kw, string name)
    {
        if (kw == null)
        {
            return null;
        }

        foreach (var p in kw)
        {
            if (p.Key == name)
            {
                return p.Value;
            }
        }

        return null;
    }

    public static bool HasKw(KwArgs? kw, string name) => kw != null && kw.Exists(p => p.Key == name);

    /// <summary>Binds positional and keyword arguments to named parameters (for builtins with Python-style signatures).</summary>
    public static object?[] Bind(string fn, object?[] a, KwArgs? kw, string[] names, int required, object?[]? defaults = null)
    {
        if (a.Length > names.Length)
        {
            throw PyException.TypeError($"{fn}() takes at most {names.Length} arguments ({a.Length} given)");
        }

        var r = new object?[names.Length];
        var set = new bool[names.Length];
        for (var i = 0; i < a.Length; i++)
        {
            r[i] = a[i];
            set[i] = true;
        }

        if (kw != null)
        {
            foreach (var p in kw)
            {
                var idx = Array.IndexOf(names, p.Key);
                if (idx < 0)
                {
                    throw PyException.TypeError($"{fn}() got an unexpected keyword argument '{p.Key}'");
                }

                if (set[idx])
                {
                    throw PyException.TypeError($"{fn}() got multiple values for argument '{p.Key}'");
                }

                r[idx] = p.Value;
                set[idx] = true;
            }
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (!set[i])
            {
                if (i < required)
                {
                    throw PyException.TypeError($"{fn}() missing required argument '{names[i]}' (pos {i + 1})");
                }

                r[i] = defaults != null && i - required < defaults.Length && i >= required ? defaults[i - required] : null;
            }
        }

        return r;
    }
}
