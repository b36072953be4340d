namespace Automation.Scripting;

/// <summary>
/// A Python exception that escaped the script: <see cref="TypeName"/> is the Python class name
/// ("ValueError", "UserError", ...), <see cref="PythonMessage"/> is <c>str(exception)</c>.
/// </summary>
public class ScriptRuntimeException : Exception
{
    public ScriptRuntimeException(string typeName, string pythonMessage, int line, Exception? inner = null)
        : base(pythonMessage.Length == 0 ? typeName : typeName + ": " + pythonMessage, inner)
    {
        TypeName = typeName;
        PythonMessage = pythonMessage;
        Line = line;
    }

    public ScriptRuntimeException()
        : this("Exception", "", 0)
    {
    }

    public ScriptRuntimeException(string message)
        : this("Exception", message, 0)
    {
    }

    public ScriptRuntimeException(string message, Exception innerException)
        : this("Exception", message, 0, innerException)
    {
    }

    public string TypeName { get; }

    public string PythonMessage { get; }

    /// <summary>1-based source line where the exception was raised (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>The Python exception object's args converted to .NET values.</summary>
    public IReadOnlyList<object?> Arguments { get; init; } = [];

    /// <summary>A CPython-style traceback ("Traceback (most recent call last): ..."), as Odoo writes it to its logs.</summary>
    public string PythonTraceback { get; init; } = "";
}

/// <summary>
/// A run ended because it hit one of the <see cref="ScriptLimits"/>. Scripts cannot catch it.
/// <see cref="Limit"/> is the name of the <see cref="ScriptLimits"/> property that was exceeded.
/// </summary>
public sealed class ScriptLimitExceededException : ScriptRuntimeException
{
    public ScriptLimitExceededException(string limit, string message, int line = 0)
        : base("LimitExceeded", message + " (ScriptLimits." + limit + ")", line)
    {
        Limit = limit;
    }

    public ScriptLimitExceededException()
        : this("Unknown", "limit exceeded")
    {
    }

    public ScriptLimitExceededException(string message)
        : this("Unknown", message)
    {
    }

    public ScriptLimitExceededException(string message, Exception innerException)
        : base("LimitExceeded", message, 0, innerException)
    {
        Limit = "Unknown";
    }

    public string Limit { get; }
}
