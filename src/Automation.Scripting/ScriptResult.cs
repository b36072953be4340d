using Automation.Scripting.Runtime;

namespace Automation.Scripting;

/// <summary>The outcome of a run: the expression value (Eval mode) and the module variables (Exec mode).</summary>
public sealed class ScriptResult
{
    private readonly CompiledScript _script;
    private readonly object?[] _globals;
    private readonly object? _value;

    internal ScriptResult(CompiledScript script, object?[] globals, object? value, IReadOnlyList<ScriptLogEntry> logs, long steps)
    {
        _script = script;
        _globals = globals;
        _value = value;
        Logs = logs;
        Steps = steps;
    }

    /// <summary>The value of the expression (Eval mode) converted to .NET; null in Exec mode.</summary>
    public object? Value => ValueConverter.ToDotNet(_value);

    /// <summary>The raw interpreter value (for callers inside this assembly's tests).</summary>
    internal object? RawValue => _value;

    public IReadOnlyList<ScriptLogEntry> Logs { get; }

    /// <summary>Steps the run used (see <see cref="ScriptLimits.MaxSteps"/>).</summary>
    public long Steps { get; }

    /// <summary>The value the script assigned to <c>action</c> (spec §5.11), converted to .NET, or null.</summary>
    public object? Action => TryGetVariable("action", out var v) ? v : null;

    /// <summary>The raw interpreter value of a module variable, or null.</summary>
    internal object? TryGetRawVariable(string name) =>
        _script.GlobalIndex.TryGetValue(name, out var i) && _globals[i] is not Unbound ? _globals[i] : null;

    /// <summary>Reads a module-level variable after the run, converted to .NET.</summary>
    public bool TryGetVariable(string name, out object? value)
    {
        if (_script.GlobalIndex.TryGetValue(name, out var i) && _globals[i] is not Unbound
            && !(Builtins.Table.TryGetValue(name, out var builtin) && ReferenceEquals(builtin, _globals[i])))
        {
            value = ValueConverter.ToDotNet(_globals[i]);
            return true;
        }

        value = null;
        return false;
    }
}
