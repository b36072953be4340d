using System.Globalization;
using System.Numerics;

namespace Automation.Scripting.Runtime;

/// <summary>The builtin namespace (SCRIPTING.md "Builtins"), shared and immutable.</summary>
internal static class Builtins
{
    /// <summary>Refused at save time when a script uses them (the sandbox boundary of safe_eval).</summary>
    public static readonly HashSet<string> Forbidden =
    [
        "open", "eval", "exec", "compile", "globals", "locals", "vars", "__import__", "input", "breakpoint",
        "memoryview", "help", "exit", "quit", "setattr", "delattr", "object", "super", "classmethod",
        "staticmethod", "property", "dir", "id",
    ];

    public static readonly PyType Int = new("int", o => o is long or BigInteger or bool, (r, a, kw) => IntCtor(r, a, kw));
    public static readonly PyType Float = new("float", o => o is double, (r, a, kw) => FloatCtor(a, kw));
    public static readonly PyType Str = new("str", o => o is string, (r, a, kw) =>
    {
        Args.Range("str", a, kw, 0, 1);
        return a.Length == 0 ? "" : Ops.Str(a[0]);
    });

    public static readonly PyType Bool = new("bool", o => o is bool, (r, a, kw) =>
    {
        Args.Range("bool", a, kw, 0, 1);
        return a.Length != 0 && Ops.IsTrue(a[0]);
    });

    public static readonly PyType List = new("list", o => o is PyList, (r, a, kw) =>
    {
        Args.Range("list", a, kw, 0, 1);
        return a.Length == 0 ? new PyList() : new PyList(Ops.ToList(r, a[0]));
    });

    public static readonly PyType Tuple = new("tuple", o => o is PyTuple, (r, a, kw) =>
    {
        Args.Range("tuple", a, kw, 0, 1);
        return a.Length == 0 ? PyTuple.Empty : a[0] is PyTuple t ? t : new PyTuple([.. Ops.ToList(r, a[0])]);
    });

    public static readonly PyType Dict = new("dict", o => o is PyDict, (r, a, kw) =>
    {
        Args.Range("dict", a, kw, 0, 1, allowKw: true);
        var d = new PyDict();
        if (a.Length == 1)
        {
            d.Update(r, a[0]);
        }

        if (kw != null)
        {
            foreach (var p in kw)
            {
                d.Set(r, p.Key, p.Value);
            }
        }

        return d;
    });

    public static readonly PyType Set = new("set", o => o is PySet { Frozen: false }, (r, a, kw) =>
    {
        Args.Range("set", a, kw, 0, 1);
        return a.Length == 0 ? new PySet(false) : SetFrom(r, a[0], false);
    });

    public static readonly PyType FrozenSet = new("frozenset", o => o is PySet { Frozen: true }, (r, a, kw) =>
    {
        Args.Range("frozenset", a, kw, 0, 1);
        return a.Length == 0 ? new PySet(true) : SetFrom(r, a[0], true);
    });

    public static readonly PyType Range = new("range", o => o is PyRange, (r, a, kw) => RangeCtor(a, kw));

    public static readonly Dictionary<string, object?> Table = Build();

    private static PySet SetFrom(Run run, object? src, bool frozen)
    {
        var s = new PySet(frozen);
        foreach (var x in Ops.Iterate(run, src))
        {
            run.Tick();
            s.Add(run, x);
        }

        return s;
    }

    private static Dictionary<string, object?> Build()
    {
        var t = new Dictionary<string, object?>
        {
            ["int"] = Int,
            ["float"] = Float,
            ["str"] = Str,
            ["bool"] = Bool,
            ["list"] = List,
            ["tuple"] = Tuple,
            ["dict"] = Dict,
            ["set"] = Set,
            ["frozenset"] = FrozenSet,
            ["range"] = Range,
        };
        void F(string name, Func<Run, object?[], KwArgs?, object?> fn) => t[name] = new PyBuiltin(name, fn);

        F("len", (r, a, kw) =>
        {
            Args.Exact("len", a, kw, 1);
            return a[0] is PyRange range ? Ops.Box(range.Count) : Ops.Box(Ops.Len(a[0]));
        });
        F("repr", (r, a, kw) =>
        {
            Args.Exact("repr", a, kw, 1);
            var s = Ops.Repr(a[0]);
            r.CheckString(s.Length);
            return s;
        });
        F("abs", (r, a, kw) =>
        {
            Args.Exact("abs", a, kw, 1);
            return a[0] switch
            {
                long l => l == long.MinValue ? -(BigInteger)l : Ops.Box(Math.Abs(l)),
                double d => Math.Abs(d),
                bool b => Ops.Box(b ? 1 : 0),
                BigInteger bi => Ops.Int(BigInteger.Abs(bi)),
                _ => throw PyException.TypeError($"bad operand type for abs(): '{Ops.TypeName(a[0])}'"),
            };
        });
        F("round", (r, a, kw) => Round(a, kw));
        F("divmod", (r, a, kw) =>
        {
            Args.Exact("divmod", a, kw, 2);
            if (Ops.IsNumber(a[0]) && Ops.IsNumber(a[1]) && (a[0] is double || a[1] is double))
            {
                var (div, mod) = Ops.FloatDivMod(Ops.ToDouble(a[0]), Ops.ToDouble(a[1]), "float divmod()");
                return new PyTuple([div, mod]);
            }

            if (!Ops.IsNumber(a[0]) || !Ops.IsNumber(a[1]))
            {
                throw PyException.TypeError($"unsupported operand type(s) for divmod(): '{Ops.TypeName(a[0])}' and '{Ops.TypeName(a[1])}'");
            }

            return new PyTuple([Ops.FloorDiv(r, a[0], a[1]), Ops.Mod(r, a[0], a[1])]);
        });
        F("pow", (r, a, kw) =>
        {
            Args.Range("pow", a, kw, 2, 3);
            if (a.Length == 3 && a[2] != null)
            {
                var m = Ops.ToBig(a[2]);
                if (m.IsZero)
                {
                    throw PyException.ValueError("pow() 3rd argument cannot be 0");
                }

                var res = BigInteger.ModPow(Ops.ToBig(a[0]), Ops.ToBig(a[1]), m);
                if (!res.IsZero && (res.Sign < 0) != (m.Sign < 0))
                {
                    res += m;
                }

                return Ops.Int(res);
            }

            return Ops.Pow(r, a[0], a[1]);
        });
        F("min", (r, a, kw) => MinMax(r, a, kw, "min", -1));
        F("max", (r, a, kw) => MinMax(r, a, kw, "max", 1));
        F("sum", (r, a, kw) =>
        {
            var p = Args.Bind("sum", a, kw, ["iterable", "start"], 1, [0L]);
            object? acc = p[1];
            if (acc is string)
            {
                throw PyException.TypeError("sum() can't sum strings [use ''.join(seq) instead]");
            }

            foreach (var x in Ops.Iterate(r, p[0]))
            {
                r.Tick();
                acc = Ops.Add(r, acc, x);
            }

            return acc;
        });
        F("sorted", (r, a, kw) =>
        {
            if (a.Length != 1)
            {
                throw PyException.TypeError($"sorted expected 1 argument, got {a.Length}");
            }

            var items = Ops.ToList(r, a[0]);
            return new PyList(Sorting.Sort(r, items, Args.Kw(kw, "key"), Ops.IsTrue(Args.Kw(kw, "reverse"))));
        });
        F("reversed", (r, a, kw) =>
        {
            Args.Exact("reversed", a, kw, 1);
            return a[0] switch
            {
                PyList l => new PyIterator("list_reverseiterator", ReverseList(l)),
                PyDict d => new PyIterator("dict_reversekeyiterator", d.Keys.Reverse()),
                PyRange or PyTuple or string => new PyIterator("reversed", Ops.ToList(r, a[0]).AsEnumerable().Reverse()),
                PySet => throw PyException.TypeError($"'{Ops.TypeName(a[0])}' object is not reversible"),
                PyObject p when p.HasLength => new PyIterator("reversed", Ops.ToList(r, a[0]).AsEnumerable().Reverse()),
                _ => throw PyException.TypeError($"'{Ops.TypeName(a[0])}' object is not reversible"),
            };
        });
        F("enumerate", (r, a, kw) =>
        {
            var p = Args.Bind("enumerate", a, kw, ["iterable", "start"], 1, [0L]);
            return new PyIterator("enumerate", Enumerate(r, p[0], p[1]));
        });
        F("zip", (r, a, kw) =>
        {
            var strict = Ops.IsTrue(Args.Kw(kw, "strict"));
            return new PyIterator("zip", Zip(r, a, strict));
        });
        F("map", (r, a, kw) =>
        {
            if (a.Length < 2)
            {
                throw PyException.TypeError("map() must have at least two arguments.");
            }

            return new PyIterator("map", Map(r, a[0], a[1..]));
        });
        F("filter", (r, a, kw) =>
        {
            Args.Exact("filter", a, kw, 2);
            return new PyIterator("filter", Filter(r, a[0], a[1]));
        });
        F("any", (r, a, kw) =>
        {
            Args.Exact("any", a, kw, 1);
            foreach (var x in Ops.Iterate(r, a[0]))
            {
                r.Tick();
                if (Ops.IsTrue(x))
                {
                    return true;
                }
            }

            return false;
        });
        F("all", (r, a, kw) =>
        {
            Args.Exact("all", a, kw, 1);
            foreach (var x in Ops.Iterate(r, a[0]))
            {
                r.Tick();
                if (!Ops.IsTrue(x))
                {
                    return false;
                }
            }

            return true;
        });
        F("isinstance", (r, a, kw) =>
        {
            Args.Exact("isinstance", a, kw, 2);
            return IsInstance(a[0], a[1]);
        });
        F("hasattr", (r, a, kw) =>
        {
            Args.Exact("hasattr", a, kw, 2);
            var name = a[1] as string ?? throw PyException.TypeError("hasattr(): attribute name must be string");
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                return false;
            }

            try
            {
                Ops.GetAttr(r, a[0], name);
                return true;
            }
            catch (PyException e) when (e.Value.Type.IsSubclassOf(PyExceptionType.AttributeError))
            {
                return false;
            }
        });
        F("getattr", (r, a, kw) =>
        {
            Args.Range("getattr", a, kw, 2, 3);
            var name = a[1] as string ?? throw PyException.TypeError("getattr(): attribute name must be string");
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                throw PyException.AttributeError($"access to '{name}' is not allowed");
            }

            try
            {
                return Ops.GetAttr(r, a[0], name);
            }
            catch (PyException e) when (a.Length == 3 && e.Value.Type.IsSubclassOf(PyExceptionType.AttributeError))
            {
                return a[2];
            }
        });
        F("chr", (r, a, kw) =>
        {
            Args.Exact("chr", a, kw, 1);
            var big = Ops.ToBig(a[0]);
            if (big > int.MaxValue || big < int.MinValue)
            {
                throw PyException.Overflow("Python int too large to convert to C int");
            }

            var v = (long)big;
            if (v < 0 || v > 0x10FFFF)
            {
                throw PyException.ValueError("chr() arg not in range(0x110000)");
            }

            return v >= 0xD800 && v <= 0xDFFF ? ((char)v).ToString() : char.ConvertFromUtf32((int)v);
        });
        F("ord", (r, a, kw) =>
        {
            Args.Exact("ord", a, kw, 1);
            if (a[0] is not string s)
            {
                throw PyException.TypeError($"ord() expected string of length 1, but {Ops.TypeName(a[0])} found");
            }

            if (s.Length == 2 && char.IsSurrogatePair(s[0], s[1]))
            {
                return Ops.Box(char.ConvertToUtf32(s[0], s[1]));
            }

            if (s.Length != 1)
            {
                throw PyException.TypeError($"ord() expected a character, but string of length {s.Length} found");
            }

            return Ops.Box(s[0]);
        });
        F("hex", (r, a, kw) => IntPrefix(a, kw, "hex", 16, "0x"));
        F("oct", (r, a, kw) => IntPrefix(a, kw, "oct", 8, "0o"));
        F("bin", (r, a, kw) => IntPrefix(a, kw, "bin", 2, "0b"));
        F("format", (r, a, kw) =>
        {
            Args.Range("format", a, kw, 1, 2);
            return Formatting.Format(r, a[0], a.Length > 1 ? a[1] as string ?? throw PyException.TypeError("format() argument 2 must be str") : "");
        });
        F("type", (r, a, kw) =>
        {
            Args.Exact("type", a, kw, 1);
            return TypeOf(a[0]);
        });
        F("hash", (r, a, kw) =>
        {
            Args.Exact("hash", a, kw, 1);
            return Ops.Box(Ops.Hash(a[0]));
        });
        F("callable", (r, a, kw) =>
        {
            Args.Exact("callable", a, kw, 1);
            return a[0] is PyCallable;
        });
        F("iter", (r, a, kw) =>
        {
            Args.Exact("iter", a, kw, 1);
            return a[0] is PyIterator it ? it : new PyIterator("iterator", Ops.Iterate(r, a[0]));
        });
        F("next", (r, a, kw) =>
        {
            Args.Range("next", a, kw, 1, 2);
            if (a[0] is not PyIterator it)
            {
                throw PyException.TypeError($"'{Ops.TypeName(a[0])}' object is not an iterator");
            }

            if (it.TryNext(out var v))
            {
                return v;
            }

            return a.Length > 1 ? a[1] : throw new PyException(new PyExceptionObject(PyExceptionType.StopIteration, []));
        });

        foreach (var e in PyExceptionType.All)
        {
            t[e.Name] = e;
        }

        return t;
    }

    private static readonly Dictionary<string, PyType> OtherTypes = [];

    /// <summary>type(x): the builtin type object, the exception class, or an opaque type named after the value's type.</summary>
    public static object TypeOf(object? o) => o switch
    {
        bool => Bool,
        long or BigInteger => Int,
        double => Float,
        string => Str,
        PyList => List,
        PyTuple => Tuple,
        PyDict => Dict,
        PySet { Frozen: true } => FrozenSet,
        PySet => Set,
        PyRange => Range,
        PyExceptionObject e => e.Type,
        Modules.PyDateTime => Modules.DateTimeClass.Instance,
        Modules.PyDate => Modules.DateClass.Instance,
        Modules.PyTimeDelta => Modules.TimeDeltaClass.Instance,
        _ => OpaqueType(Ops.TypeName(o)),
    };

    private static PyType OpaqueType(string name)
    {
        lock (OtherTypes)
        {
            if (!OtherTypes.TryGetValue(name, out var t))
            {
                t = new PyType(name, x => Ops.TypeName(x) == name, (r, a, kw) => throw PyException.TypeError($"cannot create '{name}' instances"));
                OtherTypes[name] = t;
            }

            return t;
        }
    }

    private static IEnumerable<object?> ReverseList(PyList l)
    {
        for (var i = l.Items.Count - 1; i >= 0; i--)
        {
            if (i < l.Items.Count)
            {
                yield return l.Items[i];
            }
        }
    }

    private static IEnumerable<object?> Enumerate(Run run, object? it, object? start)
    {
        var i = start;
        foreach (var x in Ops.Iterate(run, it))
        {
            yield return new PyTuple([i, x]);
            i = Ops.Add(run, i, 1L);
        }
    }

    private static IEnumerable<object?> Zip(Run run, object?[] iterables, bool strict)
    {
        if (iterables.Length == 0)
        {
            yield break;
        }

        var its = iterables.Select(x => Ops.Iterate(run, x).GetEnumerator()).ToArray();
        while (true)
        {
            var items = new object?[its.Length];
            for (var i = 0; i < its.Length; i++)
            {
                if (!its[i].MoveNext())
                {
                    if (strict && (i > 0 || its.Skip(1).Any(e => e.MoveNext())))
                    {
                        throw PyException.ValueError($"zip() argument {(i > 0 ? i + 1 : 2)} is {(i > 0 ? "shorter" : "longer")} than argument{(i > 1 ? "s 1-" + i : " 1")}");
                    }

                    yield break;
                }

                items[i] = its[i].Current;
            }

            yield return new PyTuple(items);
        }
    }

    private static IEnumerable<object?> Map(Run run, object? fn, object?[] iterables)
    {
        var its = iterables.Select(x => Ops.Iterate(run, x).GetEnumerator()).ToArray();
        while (true)
        {
            var args = new object?[its.Length];
            for (var i = 0; i < its.Length; i++)
            {
                if (!its[i].MoveNext())
                {
                    yield break;
                }

                args[i] = its[i].Current;
            }

            yield return Ops.Call(run, fn, args, null);
        }
    }

    private static IEnumerable<object?> Filter(Run run, object? fn, object? iterable)
    {
        foreach (var x in Ops.Iterate(run, iterable))
        {
            if (fn == null ? Ops.IsTrue(x) : Ops.IsTrue(Ops.Call(run, fn, [x], null)))
            {
                yield return x;
            }
        }
    }

    public static bool IsInstance(object? o, object? type) => type switch
    {
        PyType t => t.IsInstance(o),
        PyExceptionType et => o is PyExceptionObject eo && eo.Type.IsSubclassOf(et),
        PyTuple tuple => tuple.Items.Any(x => IsInstance(o, x)),
        PyObject p when p is Modules.IClassLike c => c.IsInstance(o),
        _ => throw PyException.TypeError("isinstance() arg 2 must be a type, a tuple of types, or a union"),
    };

    private static object IntPrefix(object?[] a, KwArgs? kw, string fn, int radix, string prefix)
    {
        Args.Exact(fn, a, kw, 1);
        if (!Ops.IsInt(a[0]))
        {
            throw PyException.TypeError($"'{Ops.TypeName(a[0])}' object cannot be interpreted as an integer");
        }

        var v = Ops.ToBig(a[0]);
        return (v.Sign < 0 ? "-" : "") + prefix + Formatting.ToBase(BigInteger.Abs(v), radix);
    }

    private static object? MinMax(Run run, object?[] a, KwArgs? kw, string name, int sign)
    {
        var key = Args.Kw(kw, "key");
        var hasDefault = Args.HasKw(kw, "default");
        if (kw != null)
        {
            foreach (var p in kw)
            {
                if (p.Key is not ("key" or "default"))
                {
                    throw PyException.TypeError($"{name}() got an unexpected keyword argument '{p.Key}'");
                }
            }
        }

        IEnumerable<object?> items;
        if (a.Length == 0)
        {
            throw PyException.TypeError($"{name} expected at least 1 argument, got 0");
        }

        if (a.Length == 1)
        {
            items = Ops.Iterate(run, a[0]);
        }
        else
        {
            if (hasDefault)
            {
                throw PyException.TypeError($"Cannot specify a default for {name}() with multiple positional arguments");
            }

            items = a;
        }

        var found = false;
        object? best = null;
        object? bestKey = null;
        foreach (var x in items)
        {
            run.Tick();
            var k = key == null ? x : Ops.Call(run, key, [x], null);
            if (!found || (sign < 0 ? Ops.Lt(k, bestKey) : Ops.Gt(k, bestKey)))
            {
                best = x;
                bestKey = k;
                found = true;
            }
        }

        if (!found)
        {
            if (hasDefault)
            {
                return Args.Kw(kw, "default");
            }

            throw PyException.ValueError($"{name}() arg is an empty sequence");
        }

        return best;
    }

    private static object? Round(object?[] a, KwArgs? kw)
    {
        var p = Args.Bind("round", a, kw, ["number", "ndigits"], 1);
        var x = p[0];
        var nd = p[1];
        if (x is double d)
        {
            if (nd == null)
            {
                if (double.IsNaN(d))
                {
                    throw PyException.ValueError("cannot convert float NaN to integer");
                }

                if (double.IsInfinity(d))
                {
                    throw PyException.Overflow("cannot convert float infinity to integer");
                }

                return Ops.Int(new BigInteger(Math.Round(d, MidpointRounding.ToEven)));
            }

            return Formatting.Round(d, Ops.ToLong(nd));
        }

        if (Ops.IsInt(x))
        {
            if (nd == null)
            {
                return x is bool b ? Ops.Box(b ? 1 : 0) : x;
            }

            var n = Ops.ToLong(nd);
            if (n >= 0)
            {
                return x is bool b2 ? Ops.Box(b2 ? 1 : 0) : x;
            }

            var v = Ops.ToBig(x);
            var pow = BigInteger.Pow(10, (int)Math.Min(-n, 4400));
            var q = BigInteger.DivRem(v, pow, out var rem);
            if (rem.Sign < 0)
            {
                q -= 1;
                rem += pow;
            }

            var twice = rem * 2;
            if (twice > pow || (twice == pow && !q.IsEven))
            {
                q += 1;
            }

            return Ops.Int(q * pow);
        }

        throw PyException.TypeError($"type {Ops.TypeName(x)} doesn't define __round__ method");
    }

    public static BigInteger FloatToInt(double d)
    {
        if (double.IsNaN(d))
        {
            throw PyException.ValueError("cannot convert float NaN to integer");
        }

        if (double.IsInfinity(d))
        {
            throw PyException.Overflow("cannot convert float infinity to integer");
        }

        return new BigInteger(Math.Truncate(d));
    }

    private static object? IntCtor(Run run, object?[] a, KwArgs? kw)
    {
        var p = Args.Bind("int", a, kw, ["x", "base"], 0);
        if (a.Length == 0 && p[0] == null)
        {
            return Ops.Box(0);
        }

        var x = p[0];
        if (p[1] != null)
        {
            if (x is not string sx)
            {
                throw PyException.TypeError("int() can't convert non-string with explicit base");
            }

            return ParseInt(sx, (int)Ops.ToLong(p[1]));
        }

        return x switch
        {
            long => x,
            bool b => Ops.Box(b ? 1 : 0),
            BigInteger => x,
            double d => Ops.Int(FloatToInt(d)),
            string s => ParseInt(s, 10),
            _ => throw PyException.TypeError($"int() argument must be a string, a bytes-like object or a real number, not '{Ops.TypeName(x)}'"),
        };
    }

    public static object ParseInt(string s, int radix)
    {
        var original = s;
        if (radix != 0 && (radix < 2 || radix > 36))
        {
            throw PyException.ValueError("int() base must be >= 2 and <= 36, or 0");
        }

        var t = s.Trim();
        var neg = false;
        if (t.StartsWith('-') || t.StartsWith('+'))
        {
            neg = t[0] == '-';
            t = t[1..];
        }

        var lower = t.ToLowerInvariant();
        var autoBase = false;
        if ((radix == 16 && lower.StartsWith("0x", StringComparison.Ordinal)) || (radix == 8 && lower.StartsWith("0o", StringComparison.Ordinal)) || (radix == 2 && lower.StartsWith("0b", StringComparison.Ordinal)))
        {
            t = t[2..].TrimStart('_');
        }
        else if (radix == 0)
        {
            autoBase = true;
            radix = lower.StartsWith("0x", StringComparison.Ordinal) ? 16 : lower.StartsWith("0o", StringComparison.Ordinal) ? 8 : lower.StartsWith("0b", StringComparison.Ordinal) ? 2 : 10;
            if (radix != 10)
            {
                t = t[2..];
            }
        }

        var ok = t.Length > 0 && !t.StartsWith('_') && !t.EndsWith('_') && !t.Contains("__", StringComparison.Ordinal);
        if (radix == 10 && original.Trim().TrimStart('+', '-').StartsWith('0') && t.Trim('0', '_').Length > 0 && lower.Length > 1 && autoBase)
        {
            ok = false; // base 0 refuses leading zeros like the literal syntax does
        }
        BigInteger v = 0;
        if (ok)
        {
            if (t.Length > 4300)
            {
                throw PyException.ValueError($"Exceeds the limit (4300 digits) for integer string conversion: value has {t.Length} digits; use sys.set_int_max_str_digits() to increase the limit");
            }

            foreach (var c in t)
            {
                if (c == '_')
                {
                    continue;
                }

                var d = c switch
                {
                    >= '0' and <= '9' => c - '0',
                    >= 'a' and <= 'z' => c - 'a' + 10,
                    >= 'A' and <= 'Z' => c - 'A' + 10,
                    _ => char.IsDigit(c) ? (int)char.GetNumericValue(c) : 99,
                };
                if (d >= radix)
                {
                    ok = false;
                    break;
                }

                v = (v * radix) + d;
            }
        }

        if (!ok)
        {
            throw PyException.ValueError($"invalid literal for int() with base {(autoBase ? 0 : radix)}: {Ops.Repr(original)}");
        }

        return Ops.Int(neg ? -v : v);
    }

    private static object? FloatCtor(object?[] a, KwArgs? kw)
    {
        Args.Range("float", a, kw, 0, 1);
        if (a.Length == 0)
        {
            return 0.0;
        }

        return a[0] switch
        {
            double d => d,
            long or bool or BigInteger => Ops.ToDouble(a[0]),
            string s => ParseFloat(s),
            _ => throw PyException.TypeError($"float() argument must be a string or a real number, not '{Ops.TypeName(a[0])}'"),
        };
    }

    public static double ParseFloat(string s)
    {
        var t = s.Trim().Replace("_", "", StringComparison.Ordinal);
        var lower = t.ToLowerInvariant();
        switch (lower)
        {
            case "inf" or "+inf" or "infinity" or "+infinity":
                return double.PositiveInfinity;
            case "-inf" or "-infinity":
                return double.NegativeInfinity;
            case "nan" or "+nan" or "-nan":
                return double.NaN;
        }

        var valid = t.Length > 0 && !s.Trim().StartsWith('_') && !s.Trim().EndsWith('_') && t.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-');
        if (valid && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        throw PyException.ValueError($"could not convert string to float: {Ops.Repr(s)}");
    }

    private static object RangeCtor(object?[] a, KwArgs? kw)
    {
        Args.NoKw("range", kw);
        if (a.Length is 0 or > 3)
        {
            throw PyException.TypeError(a.Length == 0 ? "range expected at least 1 argument, got 0" : $"range expected at most 3 arguments, got {a.Length}");
        }

        foreach (var x in a)
        {
            if (!Ops.IsInt(x))
            {
                throw PyException.TypeError($"'{Ops.TypeName(x)}' object cannot be interpreted as an integer");
            }
        }

        long start = 0, stop, step = 1;
        if (a.Length == 1)
        {
            stop = Ops.ToLong(a[0]);
        }
        else
        {
            start = Ops.ToLong(a[0]);
            stop = Ops.ToLong(a[1]);
            if (a.Length == 3)
            {
                step = Ops.ToLong(a[2]);
                if (step == 0)
                {
                    throw PyException.ValueError("range() arg 3 must not be zero");
                }
            }
        }

        return new PyRange(start, stop, step);
    }
}
