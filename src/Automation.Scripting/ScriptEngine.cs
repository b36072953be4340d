using System.Collections.Concurrent;
using Automation.Scripting.Modules;
using Automation.Scripting.Odoo;
using Automation.Scripting.Runtime;
using Automation.Scripting.Syntax;

namespace Automation.Scripting;

/// <summary>
/// Compiles and runs admin code (SCRIPTING.md). Thread-safe: compiled programs are cached by source and
/// may be executed concurrently; each run has its own state and limits.
/// </summary>
public sealed class ScriptEngine
{
    private readonly ConcurrentDictionary<(string Source, ScriptMode Mode), CompiledScript> _cache = new();
    private readonly int _cacheCapacity;

    public ScriptEngine(ScriptLimits? limits = null, int cacheCapacity = 2048)
    {
        Limits = limits ?? ScriptLimits.Default;
        _cacheCapacity = cacheCapacity;
    }

    /// <summary>A process-wide engine with default limits.</summary>
    public static ScriptEngine Shared { get; } = new();

    public ScriptLimits Limits { get; }

    public int CachedCount => _cache.Count;

    /// <summary>Parses and checks <paramref name="source"/> (cached by source). Throws <see cref="ScriptSyntaxException"/>.</summary>
    public CompiledScript Compile(string source, ScriptMode mode = ScriptMode.Exec)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_cache.TryGetValue((source, mode), out var cached))
        {
            return cached;
        }

        var compiled = CompileUncached(source, mode, Limits);
        if (_cache.Count >= _cacheCapacity)
        {
            // bounded: a full cache is dropped wholesale; hot programs are re-parsed once
            _cache.Clear();
        }

        _cache[(source, mode)] = compiled;
        return compiled;
    }

    /// <summary>Parses and checks without touching the cache (save-time validation of untrusted input, benchmarks).</summary>
    public CompiledScript CompileUncached(string source, ScriptMode mode = ScriptMode.Exec) => CompileUncached(source, mode, Limits);

    /// <summary>Save-time validation: returns null when the source is accepted, else the syntax error.</summary>
    public ScriptSyntaxException? Validate(string source, ScriptMode mode = ScriptMode.Exec)
    {
        try
        {
            Compile(source, mode);
            return null;
        }
        catch (ScriptSyntaxException e)
        {
            return e;
        }
    }

    internal static CompiledScript CompileUncached(string source, ScriptMode mode, ScriptLimits limits)
    {
        if (source.Length > limits.MaxSourceLength)
        {
            throw new ScriptSyntaxException($"source too long: {source.Length} characters, the limit is {limits.MaxSourceLength} (ScriptLimits.MaxSourceLength)", 1, 1, "LimitExceeded");
        }

        Node root;
        Block? body = null;
        Expr? expr = null;
        if (mode == ScriptMode.Exec)
        {
            body = Parser.ParseModule(source, limits.MaxNestingDepth);
            root = body;
        }
        else
        {
            expr = Parser.ParseExpression(source, limits.MaxNestingDepth);
            root = expr;
        }

        var globals = Resolver.Resolve(root, limits.MaxNestingDepth * 2);
        CheckForbidden(root, globals);
        return new CompiledScript(source, mode, body, expr, globals);
    }

    private static void CheckForbidden(Node root, string[] globals)
    {
        if (!globals.Any(Builtins.Forbidden.Contains))
        {
            return;
        }

        // find the first use for the position
        var stack = new Stack<Node>();
        stack.Push(root);
        Name? first = null;
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n is Name { Kind: NameKind.Global } name && Builtins.Forbidden.Contains(name.Id) && !name.Binds
                && (first == null || (name.Line, name.Col).CompareTo((first.Line, first.Col)) < 0))
            {
                first = name;
            }

            IEnumerable<Node> children = n switch
            {
                LambdaExpr l => l.Children().Append(l.Code.Body),
                Expr e => e.Children(),
                Stmt s => s.Children(),
                _ => [],
            };
            foreach (var c in children)
            {
                stack.Push(c);
            }
        }

        if (first != null && !IsAssignedAtModule(root, first.Id))
        {
            throw new ScriptSyntaxException($"'{first.Id}' is not allowed", first.Line, first.Col, "NotAllowed");
        }
    }

    private static bool IsAssignedAtModule(Node root, string id) =>
        root is Block b && b.Body.OfType<AssignStmt>().Any(a => a.Targets.Any(t => t is Name n && n.Id == id));

    /// <summary>Runs a compiled program. Python errors surface as <see cref="ScriptRuntimeException"/>,
    /// exhausted budgets as <see cref="ScriptLimitExceededException"/>.</summary>
    public ScriptResult Execute(CompiledScript script, ScriptContext? context = null, ScriptLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        context ??= Empty;
        var run = new Run(limits ?? Limits, context.Cancellation);
        var logs = new List<ScriptLogEntry>();
        var host = new ScriptHost(run, context, logs);
        run.Host = host;
        var names = script.GlobalNames;
        var globals = new object?[names.Count];
        for (var i = 0; i < globals.Length; i++)
        {
            globals[i] = host.Lookup(names[i]);
        }

        var frame = new Frame(run, globals, globals, null);
        var outer = Runtime.Run.Current;
        Runtime.Run.Current = run;
        try
        {
            object? value = null;
            if (script.Body != null)
            {
                script.Body.Exec(frame);
            }
            else
            {
                value = script.Expression!.Eval(frame);
            }

            return new ScriptResult(script, globals, value, logs, run.Steps);
        }
        catch (PyException e)
        {
            throw ToRuntimeException(e, run);
        }
        catch (ScriptLimitExceededException)
        {
            throw;
        }
        catch (ScriptRuntimeException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var pe = PyException.From(e);
            throw new ScriptRuntimeException(pe.Value.Type.Name, pe.Value.Message(run), run.Line, e);
        }
        finally
        {
            Runtime.Run.Current = outer;
        }
    }

    private static readonly ScriptContext Empty = new();

    private static ScriptRuntimeException ToRuntimeException(PyException e, Run run)
    {
        var value = e.Value;
        var args = value.Args.Select(ConvertArgument).ToArray();
        var message = value.Message(run);
        e.Frames.Add(("<module>", e.FrameLine != 0 ? e.FrameLine : e.Line));
        return new ScriptRuntimeException(value.Type.Name, message, e.Line != 0 ? e.Line : run.Line, e)
        {
            Arguments = args,
            PythonTraceback = e.FormatTraceback(value.Type.Name, message),
        };
    }

    private static object? ConvertArgument(object? arg)
    {
        try
        {
            return ValueConverter.ToDotNet(arg);
        }
        catch (ScriptRuntimeException)
        {
            // an argument too deep to convert must not hide the error it describes
            return "<" + Ops.TypeName(arg) + ">";
        }
    }

    /// <summary>Compiles (cached) and runs statements.</summary>
    public ScriptResult Run(string source, ScriptContext? context = null, ScriptLimits? limits = null) =>
        Execute(Compile(source, ScriptMode.Exec), context, limits);

    /// <summary>Compiles (cached) and evaluates one expression, returning its value converted to .NET.</summary>
    public object? Evaluate(string expression, ScriptContext? context = null, ScriptLimits? limits = null) =>
        Execute(Compile(expression, ScriptMode.Eval), context, limits).Value;

    internal static string ReprOf(object? value) => Ops.Repr(value);

    internal static IReadOnlyCollection<string> ModuleNames => ModuleTable.Names;
}
