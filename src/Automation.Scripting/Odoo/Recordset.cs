using Automation.Scripting.Modules;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Odoo;

/// <summary><c>env</c>: model lookup by name plus uid/user/context; caches rows for the run.</summary>
internal sealed class EnvObject(Run run, IScriptEnvironment store, ScriptHost host) : PyObject
{
    private readonly Dictionary<string, Dictionary<long, IReadOnlyDictionary<string, object?>>> _cache = new(StringComparer.Ordinal);

    public IScriptEnvironment Store { get; } = store;

    public ScriptHost Host { get; } = host;

    public Run Run { get; } = run;

    public override string TypeName => "Environment";

    public override string Repr() => "<odoo.api.Environment>";

    public ScriptModel Model(string name) => Store.GetModel(name) ?? throw PyException.KeyError(name);

    public override object? GetItem(Run run, object? key)
    {
        if (key is not string name)
        {
            throw PyException.KeyError(key);
        }

        Model(name);
        return new Recordset(this, name, []);
    }

    public override bool Contains(Run run, object? item) => item is string s && Store.GetModel(s) != null;

    public override object? GetAttr(Run run, string name) => name switch
    {
        "uid" => Ops.Box(Store.Uid),
        "user" => new Recordset(this, "res.users", [Store.Uid]),
        "context" => new PyDict(),
        "su" => Ops.True,
        "company" when Store.GetModel("res.company") != null => new Recordset(this, "res.company", [1]),
        "ref" => new PyBoundMethod(this, name),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        if (name == "ref")
        {
            // external ids are not modelled by the store: the conventional "module.name_<id>" is not guessed
            var xmlid = a.Length > 0 ? Ops.Str(a[0]) : "";
            if (Args.Kw(kw, "raise_if_not_found") is false || (a.Length > 1 && a[1] is false))
            {
                return null;
            }

            throw PyException.ValueError($"External ID not found in the system: {xmlid}");
        }

        return base.CallMethod(run, name, a, kw);
    }

    public IReadOnlyDictionary<string, object?> Row(string model, long id)
    {
        if (!_cache.TryGetValue(model, out var rows))
        {
            rows = [];
            _cache[model] = rows;
        }

        if (!rows.TryGetValue(id, out var row))
        {
            Run.Tick();
            var read = Store.Read(model, [id], null);
            if (read.Count == 0)
            {
                throw PyException.Make(PyExceptionType.MissingError, $"Record does not exist or has been deleted.\n(Record: {model}({id},), User: {Store.Uid})");
            }

            row = read[0];
            rows[id] = row;
        }

        return row;
    }

    public void Invalidate(string model) => _cache.Remove(model);
}

/// <summary>An Odoo record set: model + ordered ids, field access through the store (lazy, cached per run).</summary>
internal sealed class Recordset(EnvObject env, string model, long[] ids) : PyObject
{
    private static readonly HashSet<string> Methods =
    [
        "browse", "search", "search_count", "create", "write", "unlink", "exists", "ensure_one", "filtered", "mapped",
        "sorted", "message_post", "sudo", "with_context", "with_user", "with_company", "read", "filtered_domain",
        "search_read", "name_get", "copy", "ids_list", "update",
    ];

    public EnvObject Env { get; } = env;

    public string Model { get; } = model;

    public long[] Ids { get; } = ids;

    public override string TypeName => Model;

    public override string Repr() => Model + "(" + string.Join(", ", Ids) + (Ids.Length == 1 ? ",)" : ")");

    public override bool IsTrue() => Ids.Length > 0;

    public override int Length() => Ids.Length;

    public override bool HasLength => true;

    public override IEnumerable<object?> Iterate(Run run) => Ids.Select(id => (object?)new Recordset(Env, Model, [id]));

    public override bool Contains(Run run, object? item)
    {
        if (item is Recordset r && r.Model == Model)
        {
            return r.Ids.All(Ids.Contains);
        }

        throw PyException.TypeError($"unsupported operand types in: {Ops.Repr(item)} in {Repr()}");
    }

    public override bool PyEquals(object? other) => other is Recordset r && r.Model == Model && r.Ids.AsSpan().SequenceEqual(Ids);

    public override int PyHash() => HashCode.Combine(Model, Ids.Length > 0 ? Ids[0] : 0, Ids.Length);

    public override object? GetItem(Run run, object? key)
    {
        if (key is PySlice s)
        {
            var (start, _, step, count) = s.Indices(Ids.Length);
            var r = new long[count];
            for (var i = 0; i < count; i++)
            {
                r[i] = Ids[start + (i * step)];
            }

            return new Recordset(Env, Model, r);
        }

        if (key is string field)
        {
            return GetAttr(run, field);
        }

        return new Recordset(Env, Model, [Ids[Seq.Index(Ops.ToIndex(key), Ids.Length, "tuple")]]);
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        if (other is not Recordset r || r.Model != Model)
        {
            if (other is Recordset r2)
            {
                throw PyException.TypeError($"inconsistent models in: {Repr()} {op} {r2.Repr()}");
            }

            return NotImplemented.Value;
        }

        var (a, b) = reflected ? (r, this) : (this, r);
        return op switch
        {
            "|" => new Recordset(Env, Model, [.. a.Ids.Concat(b.Ids).Distinct()]),
            "+" => new Recordset(Env, Model, [.. a.Ids, .. b.Ids]),
            "&" => new Recordset(Env, Model, [.. a.Ids.Where(b.Ids.Contains).Distinct()]),
            "-" => new Recordset(Env, Model, [.. a.Ids.Where(x => !b.Ids.Contains(x))]),
            _ => NotImplemented.Value,
        };
    }

    private ScriptModel Meta => Env.Model(Model);

    public long EnsureOne()
    {
        if (Ids.Length != 1)
        {
            throw PyException.ValueError($"Expected singleton: {Repr()}");
        }

        return Ids[0];
    }

    public override object? GetAttr(Run run, string name)
    {
        switch (name)
        {
            case "ids":
                return new PyList(Ids.Select(i => (object?)Ops.Box(i)).ToList());
            case "id":
                return Ids.Length == 0 ? Ops.False : Ops.Box(EnsureOne());
            case "env":
                return Env;
            case "_name":
                return Model;
        }

        if (Methods.Contains(name))
        {
            return new PyBoundMethod(this, name);
        }

        var meta = Meta;
        if (!meta.Fields.TryGetValue(name, out var field))
        {
            if (name == "display_name")
            {
                if (Ids.Length == 0)
                {
                    return Ops.False;
                }

                return meta.Fields.ContainsKey("name") ? GetAttr(run, "name") : $"{Model},{EnsureOne()}";
            }

            throw PyException.AttributeError($"'{Model}' object has no attribute '{name}'");
        }

        if (Ids.Length == 0)
        {
            return field.IsRelational ? new Recordset(Env, field.Relation!, []) : Ops.False;
        }

        var row = Env.Row(Model, EnsureOne());
        row.TryGetValue(name, out var raw);
        return FieldToPython(field, raw);
    }

    private object? FieldToPython(ScriptField field, object? raw)
    {
        switch (field.Type)
        {
            case ScriptFieldType.Many2one:
                return new Recordset(Env, field.Relation!, raw == null || raw is false ? [] : [Convert.ToInt64(raw, System.Globalization.CultureInfo.InvariantCulture)]);
            case ScriptFieldType.One2many:
            case ScriptFieldType.Many2many:
                return new Recordset(Env, field.Relation!, raw is IEnumerable<long> ids ? [.. ids] : raw is System.Collections.IEnumerable e ? [.. e.Cast<object>().Select(x => Convert.ToInt64(x, System.Globalization.CultureInfo.InvariantCulture))] : []);
            case ScriptFieldType.Boolean:
                return raw is bool b && b;
            case ScriptFieldType.Date:
                return raw switch
                {
                    null => Ops.False,
                    DateOnly d => new PyDate(d),
                    DateTime dt => new PyDate(DateOnly.FromDateTime(dt)),
                    _ => ValueConverter.ToPython(raw, Env),
                };
            default:
                return raw == null ? Ops.False : ValueConverter.ToPython(raw, Env);
        }
    }

    /// <summary><c>record['field'] = value</c>, as Studio's compute code writes it: the same as <c>record.field = value</c>.</summary>
    public override void SetItem(Run run, object? key, object? value) =>
        SetAttr(run, key as string ?? throw PyException.TypeError($"field names must be strings, not {Ops.TypeName(key)}"), value);

    public override void SetAttr(Run run, string name, object? value)
    {
        if (!Meta.Fields.ContainsKey(name))
        {
            throw PyException.AttributeError($"'{Model}' object has no attribute '{name}'");
        }

        var vals = new PyDict();
        vals.Set(name, value);
        Write(run, vals);
    }

    private Dictionary<string, object?> ToVals(Run run, object? vals)
    {
        if (vals is not PyDict d)
        {
            throw PyException.TypeError($"values must be a dict, not {Ops.TypeName(vals)}");
        }

        var meta = Meta;
        var r = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in d.Pairs)
        {
            var key = p.Key as string ?? throw PyException.TypeError("field names must be strings");
            if (!meta.Fields.TryGetValue(key, out var field))
            {
                throw PyException.ValueError($"Invalid field '{key}' on model '{Model}'");
            }

            r[key] = FieldFromPython(field, p.Value);
        }

        run.Alloc(r.Count * 64L);
        return r;
    }

    private static object? FieldFromPython(ScriptField field, object? value)
    {
        switch (field.Type)
        {
            case ScriptFieldType.Many2one:
                return value switch
                {
                    null or false => null,
                    Recordset rs => rs.Ids.Length == 0 ? null : rs.EnsureOne(),
                    long l => l,
                    _ => throw PyException.ValueError($"Wrong value for {field.Name}: {Ops.Repr(value)}"),
                };
            case ScriptFieldType.One2many:
            case ScriptFieldType.Many2many:
                return value switch
                {
                    null or false => new List<object?> { new object?[] { 5L, 0L, 0L } },
                    Recordset rs => new List<object?> { new object?[] { 6L, 0L, rs.Ids.Cast<object?>().ToList() } },
                    _ => ValueConverter.ToDotNet(value),
                };
            case ScriptFieldType.Boolean:
                return Ops.IsTrue(value);
            case ScriptFieldType.Date:
                return value switch
                {
                    null or false => null,
                    PyDateTime dt => DateOnly.FromDateTime(dt.Value),
                    PyDate d => d.Value,
                    string s => DateParser.ParseIso(s) is { } p ? DateOnly.FromDateTime(p.Value) : throw PyException.ValueError($"time data {Ops.Repr(s)} does not match format '%Y-%m-%d'"),
                    _ => ValueConverter.ToDotNet(value),
                };
            case ScriptFieldType.Datetime:
                return value switch
                {
                    null or false => null,
                    PyDateTime dt => dt.Tz == null ? dt.Value : dt.Utc,
                    PyDate d => d.Value.ToDateTime(TimeOnly.MinValue),
                    string s => DateParser.ParseIso(s) is { } p ? p.Value : throw PyException.ValueError($"time data {Ops.Repr(s)} does not match format '%Y-%m-%d %H:%M:%S'"),
                    _ => ValueConverter.ToDotNet(value),
                };
            case ScriptFieldType.Integer:
                return value is false or null ? 0L : ValueConverter.ToDotNet(value);
            case ScriptFieldType.Float:
            case ScriptFieldType.Monetary:
                return value is false or null ? 0.0 : Ops.IsNumber(value) ? Ops.ToDouble(value) : ValueConverter.ToDotNet(value);
            default:
                return value is false ? null : ValueConverter.ToDotNet(value);
        }
    }

    private static List<object?> Domain(object? domain)
    {
        if (domain == null)
        {
            return [];
        }

        if (domain is not (PyList or PyTuple))
        {
            throw PyException.ValueError($"Invalid domain: {Ops.Repr(domain)}");
        }

        var converted = ValueConverter.ToDotNet(domain);
        return converted is List<object?> l ? l : [.. (object?[])converted!];
    }

    private void Write(Run run, object? vals)
    {
        var v = ToVals(run, vals);
        if (Ids.Length == 0)
        {
            return;
        }

        run.Tick();
        Env.Store.Write(Model, Ids, v);
        Env.Invalidate(Model);
    }

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "browse":
                {
                    Args.Range("browse", a, kw, 0, 1);
                    var arg = a.Length > 0 ? a[0] : null;
                    long[] ids = arg switch
                    {
                        null or false => [],
                        long or bool or System.Numerics.BigInteger => [Ops.ToLong(arg)],
                        PyList or PyTuple or PySet or PyRange => [.. Ops.ToList(run, arg).Select(Ops.ToLong)],
                        _ => throw PyException.TypeError($"browse() expects an id or a list of ids, not {Ops.TypeName(arg)}"),
                    };
                    return new Recordset(Env, Model, ids);
                }

            case "search":
                {
                    var p = Args.Bind("search", a, kw, ["domain", "offset", "limit", "order"], 0);
                    run.Tick();
                    var ids = Env.Store.Search(Model, Domain(p[0]), p[1] == null ? 0 : (int)Ops.ToLong(p[1]), p[2] == null || p[2] is false ? null : (int)Ops.ToLong(p[2]), p[3] as string);
                    run.CheckCollection(ids.Count);
                    return new Recordset(Env, Model, [.. ids]);
                }

            case "search_count":
                {
                    var p = Args.Bind("search_count", a, kw, ["domain", "limit"], 0);
                    run.Tick();
                    return Ops.Box(Env.Store.SearchCount(Model, Domain(p[0])));
                }

            case "search_read":
                {
                    var p = Args.Bind("search_read", a, kw, ["domain", "fields", "offset", "limit", "order"], 0);
                    var ids = Env.Store.Search(Model, Domain(p[0]), p[2] == null ? 0 : (int)Ops.ToLong(p[2]), p[3] == null ? null : (int)Ops.ToLong(p[3]), p[4] as string);
                    return new Recordset(Env, Model, [.. ids]).CallMethod(run, "read", p[1] == null ? [] : [p[1]], null);
                }

            case "create":
                {
                    Args.Exact("create", a, kw, 1);
                    var list = a[0] is PyList l ? l.Items : [a[0]];
                    var vals = list.Select(x => (IReadOnlyDictionary<string, object?>)ToVals(run, x)).ToList();
                    run.Tick();
                    var ids = Env.Store.Create(Model, vals);
                    Env.Invalidate(Model);
                    return new Recordset(Env, Model, [.. ids]);
                }

            case "write":
            case "update":
                Args.Exact(name, a, kw, 1);
                Write(run, a[0]);
                return Ops.True;
            case "unlink":
                Args.Exact("unlink", a, kw, 0);
                if (Ids.Length > 0)
                {
                    run.Tick();
                    Env.Store.Unlink(Model, Ids);
                    Env.Invalidate(Model);
                }

                return Ops.True;
            case "exists":
                Args.Exact("exists", a, kw, 0);
                return Ids.Length == 0 ? this : new Recordset(Env, Model, [.. Env.Store.Exists(Model, Ids)]);
            case "ensure_one":
                Args.Exact("ensure_one", a, kw, 0);
                EnsureOne();
                return this;
            case "sudo":
            case "with_context":
            case "with_user":
            case "with_company":
                // automation code runs as superuser already (spec §4.5); context switches are accepted and ignored
                return this;
            case "read":
                {
                    var p = Args.Bind("read", a, kw, ["fields", "load"], 0);
                    var fields = p[0] == null ? Meta.Fields.Keys.ToList() : Ops.ToList(run, p[0]).Select(Ops.Str).ToList();
                    var result = new List<object?>();
                    foreach (var rec in Iterate(run).Cast<Recordset>())
                    {
                        var d = new PyDict();
                        d.Set("id", Ops.Box(rec.Ids[0]));
                        foreach (var f in fields)
                        {
                            var v = rec.GetAttr(run, f);
                            d.Set(f, v is Recordset rs ? (Meta.Fields[f].Type == ScriptFieldType.Many2one ? (rs.Ids.Length == 0 ? Ops.False : new PyTuple([Ops.Box(rs.Ids[0]), rs.CallMethod(run, "display", [], null)])) : new PyList(rs.Ids.Select(i => (object?)Ops.Box(i)).ToList())) : v);
                        }

                        result.Add(d);
                    }

                    return new PyList(result);
                }

            case "display":
                return Ids.Length == 0 ? Ops.False : GetAttr(run, "display_name");
            case "name_get":
                return new PyList(Iterate(run).Cast<Recordset>().Select(r => (object?)new PyTuple([Ops.Box(r.Ids[0]), r.GetAttr(run, "display_name")])).ToList());
            case "filtered":
                {
                    Args.Exact("filtered", a, kw, 1);
                    var keep = new List<long>();
                    foreach (var rec in Iterate(run).Cast<Recordset>())
                    {
                        run.Tick();
                        // Odoo: filtered('a.b') keeps records where any(rec.mapped('a.b'))
                        var ok = a[0] is string path
                            ? rec.Mapped(run, path) is PyList values ? values.Items.Any(Ops.IsTrue) : Ops.IsTrue(rec.Mapped(run, path))
                            : Ops.IsTrue(Ops.Call(run, a[0], [rec], null));
                        if (ok)
                        {
                            keep.Add(rec.Ids[0]);
                        }
                    }

                    return new Recordset(Env, Model, [.. keep]);
                }

            case "filtered_domain":
                {
                    Args.Exact("filtered_domain", a, kw, 1);
                    var domain = Domain(a[0]);
                    domain.Insert(0, new object?[] { "id", "in", Ids.Cast<object?>().ToList() });
                    domain.Insert(0, "&");
                    var found = Env.Store.Search(Model, domain, 0, null, null).ToHashSet();
                    return new Recordset(Env, Model, [.. Ids.Where(found.Contains)]);
                }

            case "mapped":
                Args.Exact("mapped", a, kw, 1);
                if (a[0] is string p2)
                {
                    return Mapped(run, p2);
                }

                return MapFunction(run, a[0]);
            case "sorted":
                {
                    var p = Args.Bind("sorted", a, kw, ["key", "reverse"], 0);
                    var recs = Iterate(run).ToList();
                    object? key = p[0] switch
                    {
                        null => new PyBuiltin("id", (r, x, k) => Ops.Box(((Recordset)x[0]!).Ids[0])),
                        string field => new PyBuiltin("field", (r, x, k) => ((Recordset)x[0]!).Mapped(r, field)),
                        var f => f,
                    };
                    var sorted = Sorting.Sort(run, recs, key, Ops.IsTrue(p[1]));
                    return new Recordset(Env, Model, [.. sorted.Cast<Recordset>().Select(r => r.Ids[0])]);
                }

            case "message_post":
                {
                    var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                    if (a.Length > 0)
                    {
                        values["body"] = ValueConverter.ToDotNet(a[0]);
                    }

                    if (kw != null)
                    {
                        foreach (var p in kw)
                        {
                            values[p.Key] = ValueConverter.ToDotNet(p.Value);
                        }
                    }

                    long last = 0;
                    foreach (var id in Ids)
                    {
                        run.Tick();
                        last = Env.Store.MessagePost(Model, id, values);
                    }

                    return new Recordset(Env, "mail.message", last == 0 ? [] : [last]);
                }

            case "copy":
                {
                    var id = EnsureOne();
                    var row = Env.Row(Model, id);
                    var vals = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var (fname, field) in Meta.Fields)
                    {
                        if (field.Type != ScriptFieldType.One2many && row.TryGetValue(fname, out var v))
                        {
                            vals[fname] = field.Type == ScriptFieldType.Many2many && v is IEnumerable<long> m2m ? new List<object?> { new object?[] { 6L, 0L, m2m.Cast<object?>().ToList() } } : v;
                        }
                    }

                    if (a.Length > 0 && a[0] is PyDict d)
                    {
                        foreach (var (k, v) in ToVals(run, d))
                        {
                            vals[k] = v;
                        }
                    }

                    var ids = Env.Store.Create(Model, [vals]);
                    Env.Invalidate(Model);
                    return new Recordset(Env, Model, [.. ids]);
                }

            default:
                return base.CallMethod(run, name, a, kw);
        }
    }

    private PyList MapFunction(Run run, object? fn)
    {
        var r = new List<object?>();
        foreach (var rec in Iterate(run))
        {
            run.Tick();
            r.Add(Ops.Call(run, fn, [rec], null));
        }

        return new PyList(r);
    }

    /// <summary><c>mapped('a.b')</c>: relational results are unioned record sets, others a list.</summary>
    public object? Mapped(Run run, string path)
    {
        object current = this;
        foreach (var part in path.Split('.'))
        {
            if (part.StartsWith("__", StringComparison.Ordinal))
            {
                throw PyException.AttributeError($"access to '{part}' is not allowed");
            }

            if (current is not Recordset rs)
            {
                throw PyException.AttributeError($"'{Ops.TypeName(current)}' object has no attribute '{part}'");
            }

            if (!rs.Meta.Fields.TryGetValue(part, out var field) && part is not ("id" or "display_name"))
            {
                throw PyException.KeyError(part);
            }

            if (field is { IsRelational: true })
            {
                var ids = new List<long>();
                foreach (var rec in rs.Iterate(run).Cast<Recordset>())
                {
                    ids.AddRange(((Recordset)rec.GetAttr(run, part)!).Ids);
                }

                current = new Recordset(Env, field.Relation!, [.. ids.Distinct()]);
            }
            else
            {
                var values = new List<object?>();
                foreach (var rec in rs.Iterate(run).Cast<Recordset>())
                {
                    run.Tick();
                    values.Add(rec.GetAttr(run, part));
                }

                return new PyList(values);
            }
        }

        return current;
    }
}
