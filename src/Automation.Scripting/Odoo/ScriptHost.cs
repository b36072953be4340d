using System.Globalization;
using Automation.Scripting.Modules;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Odoo;

/// <summary>Builds the evaluation context of one run (spec §5.1) lazily, only for the names a program uses.</summary>
internal sealed class ScriptHost(Run run, ScriptContext context, List<ScriptLogEntry> logs)
{
    private EnvObject? _env;

    public ScriptContext Context { get; } = context;

    public EnvObject Env => _env ??= new EnvObject(run, new GuardedEnvironment(Context.Environment ?? throw PyException.NameError("name 'env' is not defined")), this);

    public object? Lookup(string name)
    {
        if (Context.Variables.TryGetValue(name, out var v))
        {
            return ValueConverter.ToPython(v, Context.Environment != null ? Env : null);
        }

        if (Context.Environment != null)
        {
            switch (name)
            {
                case "env":
                    return Env;
                case "model":
                    return Context.Model == null ? Unbound.Instance : new Recordset(Env, Context.Model, []);
                case "self" when Context.SelfIsRecords:
                case "records":
                    return Context.Model == null ? Unbound.Instance : new Recordset(Env, Context.Model, [.. Context.RecordIds ?? []]);
                case "record":
                    return Context.Model == null ? Unbound.Instance
                        : new Recordset(Env, Context.Model, Context.RecordIds is { Count: > 0 } ids ? [ids[0]] : []);
                case "uid":
                    return Ops.Box(Context.Environment.Uid);
                case "user":
                    return new Recordset(Env, "res.users", [Context.Environment.Uid]);
            }
        }

        switch (name)
        {
            case "payload" when Context.Payload != null:
                return ValueConverter.ToPython(Context.Payload, Context.Environment != null ? Env : null);
            case "log":
                return new PyBuiltin("log", (r, a, kw) =>
                {
                    var p = Args.Bind("log", a, kw, ["message", "level"], 1, ["info"]);
                    Log(Ops.Str(p[1]), Ops.Str(p[0]));
                    return null;
                });
            case "_logger":
                return new LoggerObject(this);
            case "Command":
                return CommandObject.Instance;
        }

        var module = ModuleTable.Get(name);
        if (module is not Unbound)
        {
            return module;
        }

        return Builtins.Table.TryGetValue(name, out var b) ? b : Unbound.Instance;
    }

    public void Log(string level, string message)
    {
        var entry = new ScriptLogEntry(level, message, run.Line);
        logs.Add(entry);
        Context.LogSink?.Invoke(entry);
    }
}

/// <summary>The restricted <c>_logger</c>: info/warning/error/exception/debug with %-style arguments.</summary>
internal sealed class LoggerObject(ScriptHost host) : PyObject
{
    public override string TypeName => "Logger";

    public override object? GetAttr(Run run, string name) => name is "info" or "warning" or "error" or "exception" or "debug" or "critical"
        ? new PyBoundMethod(this, name)
        : base.GetAttr(run, name);

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        if (name is not ("info" or "warning" or "error" or "exception" or "debug" or "critical"))
        {
            return base.CallMethod(run, name, a, kw);
        }

        if (a.Length == 0)
        {
            throw PyException.TypeError($"{name}() missing 1 required positional argument: 'msg'");
        }

        var msg = Ops.Str(a[0]);
        if (a.Length > 1)
        {
            msg = Formatting.Percent(run, msg, a.Length == 2 && a[1] is PyDict ? a[1] : new PyTuple(a[1..]));
        }

        host.Log(name == "exception" ? "error" : name, msg);
        return null;
    }
}

/// <summary><c>Command</c> (odoo.fields.Command): builders of x2many command tuples.</summary>
internal sealed class CommandObject : PyObject
{
    public static readonly CommandObject Instance = new();

    public override string TypeName => "type";

    public override string Repr() => "<enum 'Command'>";

    public override object? GetAttr(Run run, string name) => name switch
    {
        "CREATE" => 0L,
        "UPDATE" => 1L,
        "DELETE" => 2L,
        "UNLINK" => 3L,
        "LINK" => 4L,
        "CLEAR" => 5L,
        "SET" => 6L,
        "create" or "update" or "delete" or "unlink" or "link" or "clear" or "set" => new PyBoundMethod(this, name),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "create":
                Args.Exact("create", a, kw, 1);
                return new PyTuple([0L, 0L, a[0]]);
            case "update":
                Args.Exact("update", a, kw, 2);
                return new PyTuple([1L, a[0], a[1]]);
            case "delete":
                Args.Exact("delete", a, kw, 1);
                return new PyTuple([2L, a[0], 0L]);
            case "unlink":
                Args.Exact("unlink", a, kw, 1);
                return new PyTuple([3L, a[0], 0L]);
            case "link":
                Args.Exact("link", a, kw, 1);
                return new PyTuple([4L, a[0], 0L]);
            case "clear":
                Args.Exact("clear", a, kw, 0);
                return new PyTuple([5L, 0L, 0L]);
            case "set":
                Args.Exact("set", a, kw, 1);
                return new PyTuple([6L, 0L, new PyList(Ops.ToList(run, a[0]))]);
            default:
                return base.CallMethod(run, name, a, kw);
        }
    }
}

internal static class Invariant
{
    public static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
}
