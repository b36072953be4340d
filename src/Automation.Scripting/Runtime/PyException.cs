namespace Automation.Scripting.Runtime;

/// <summary>A Python exception travelling through the .NET stack.</summary>
internal sealed class PyException : Exception
{
    public PyException(PyExceptionObject value)
        : base(value.ToString())
    {
        Value = value;
    }

    public PyException()
        : this(new PyExceptionObject(PyExceptionType.Exception, []))
    {
    }

    public PyException(string message)
        : this(new PyExceptionObject(PyExceptionType.Exception, [message]))
    {
    }

    public PyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Value = new PyExceptionObject(PyExceptionType.Exception, [message]);
    }

    public PyExceptionObject Value { get; }

    public int Line { get; set; }

    /// <summary>Line of the statement being executed in the frame the exception is leaving (0 until a block records it).</summary>
    public int FrameLine { get; set; }

    /// <summary>Frames the exception left, innermost first: function name and the line executing in it.</summary>
    public List<(string Function, int Line)> Frames { get; } = [];

    /// <summary>A CPython-style traceback (most recent call last).</summary>
    public string FormatTraceback(string typeName, string message)
    {
        var sb = new System.Text.StringBuilder("Traceback (most recent call last):\n");
        for (var i = Frames.Count - 1; i >= 0; i--)
        {
            sb.Append("  File \"<code>\", line ").Append(Frames[i].Line).Append(", in ").Append(Frames[i].Function).Append('\n');
        }

        sb.Append(typeName);
        if (message.Length > 0)
        {
            sb.Append(": ").Append(message);
        }

        return sb.ToString();
    }

    public static PyException Make(PyExceptionType type, string message) => new(new PyExceptionObject(type, [message]));

    public static PyException TypeError(string message) => Make(PyExceptionType.TypeError, message);

    public static PyException ValueError(string message) => Make(PyExceptionType.ValueError, message);

    public static PyException KeyError(object? key) => new(new PyExceptionObject(PyExceptionType.KeyError, [key]));

    public static PyException IndexError(string message) => Make(PyExceptionType.IndexError, message);

    public static PyException AttributeError(string message) => Make(PyExceptionType.AttributeError, message);

    public static PyException ZeroDivision(string message) => Make(PyExceptionType.ZeroDivisionError, message);

    public static PyException NameError(string message) => Make(PyExceptionType.NameError, message);

    public static PyException Overflow(string message) => Make(PyExceptionType.OverflowError, message);

    /// <summary>Maps .NET exceptions thrown by library code to the Python exception a script can catch.</summary>
    public static PyException From(Exception ex) => ex switch
    {
        PyException p => p,
        DivideByZeroException => ZeroDivision("division by zero"),
        OverflowException => Overflow(ex.Message),
        OutOfMemoryException => Make(PyExceptionType.MemoryError, ""),
        InsufficientExecutionStackException => Make(PyExceptionType.RecursionError, "maximum recursion depth exceeded"),
        FormatException => ValueError(ex.Message),
        ArgumentException => ValueError(ex.Message),
        KeyNotFoundException => Make(PyExceptionType.KeyError, ex.Message),
        _ => Make(PyExceptionType.RuntimeError, ex.GetType().Name + ": " + ex.Message),
    };
}

/// <summary>An exception class, e.g. ValueError; callable to create instances.</summary>
internal sealed class PyExceptionType : PyCallable
{
    public static readonly PyExceptionType BaseException = new("BaseException", null);
    public static readonly PyExceptionType Exception = new("Exception", BaseException);
    public static readonly PyExceptionType ArithmeticError = new("ArithmeticError", Exception);
    public static readonly PyExceptionType ZeroDivisionError = new("ZeroDivisionError", ArithmeticError);
    public static readonly PyExceptionType OverflowError = new("OverflowError", ArithmeticError);
    public static readonly PyExceptionType LookupError = new("LookupError", Exception);
    public static readonly PyExceptionType KeyError = new("KeyError", LookupError);
    public static readonly PyExceptionType IndexError = new("IndexError", LookupError);
    public static readonly PyExceptionType ValueError = new("ValueError", Exception);
    public static readonly PyExceptionType TypeError = new("TypeError", Exception);
    public static readonly PyExceptionType NameError = new("NameError", Exception);
    public static readonly PyExceptionType UnboundLocalError = new("UnboundLocalError", NameError);
    public static readonly PyExceptionType AttributeError = new("AttributeError", Exception);
    public static readonly PyExceptionType AssertionError = new("AssertionError", Exception);
    public static readonly PyExceptionType RuntimeError = new("RuntimeError", Exception);
    public static readonly PyExceptionType RecursionError = new("RecursionError", RuntimeError);
    public static readonly PyExceptionType NotImplementedError = new("NotImplementedError", RuntimeError);
    public static readonly PyExceptionType StopIteration = new("StopIteration", Exception);
    public static readonly PyExceptionType MemoryError = new("MemoryError", Exception);
    public static readonly PyExceptionType UnicodeError = new("UnicodeError", ValueError);
    public static readonly PyExceptionType JSONDecodeError = new("JSONDecodeError", ValueError);

    // Odoo (odoo.exceptions): UserError and its subclasses.
    public static readonly PyExceptionType UserError = new("UserError", Exception);
    public static readonly PyExceptionType ValidationError = new("ValidationError", UserError);
    public static readonly PyExceptionType AccessError = new("AccessError", UserError);
    public static readonly PyExceptionType MissingError = new("MissingError", UserError);
    public static readonly PyExceptionType RedirectWarning = new("RedirectWarning", Exception);

    public static readonly PyExceptionType[] All =
    [
        BaseException, Exception, ArithmeticError, ZeroDivisionError, OverflowError, LookupError, KeyError,
        IndexError, ValueError, TypeError, NameError, UnboundLocalError, AttributeError, AssertionError,
        RuntimeError, RecursionError, NotImplementedError, StopIteration, MemoryError, UnicodeError,
        UserError, ValidationError, AccessError, MissingError,
    ];

    private PyExceptionType(string name, PyExceptionType? parent)
    {
        Name = name;
        Parent = parent;
    }

    public override string Name { get; }

    public PyExceptionType? Parent { get; }

    public bool IsSubclassOf(PyExceptionType other)
    {
        for (var t = this; t != null; t = t.Parent)
        {
            if (t == other)
            {
                return true;
            }
        }

        return false;
    }

    public override object? Call(Run run, object?[] args, KwArgs? kw)
    {
        if (kw != null && kw.Count > 0)
        {
            throw PyException.TypeError($"{Name}() takes no keyword arguments");
        }

        return new PyExceptionObject(this, (object?[])args.Clone());
    }

    public override string TypeName => "type";
}

/// <summary>An exception instance.</summary>
internal sealed class PyExceptionObject(PyExceptionType type, object?[] args) : PyObject
{
    public PyExceptionType Type { get; } = type;

    public object?[] Args { get; } = args;

    public override string TypeName => Type.Name;

    public string Message(Run? run)
    {
        StackGuard.Check(run);
        if (Args.Length == 0)
        {
            return "";
        }

        if (Args.Length == 1)
        {
            return Type.IsSubclassOf(PyExceptionType.KeyError) ? Ops.Repr(Args[0]) : Ops.Str(Args[0]);
        }

        return Ops.Repr(new PyTuple(Args));
    }

    public override string ToString() => Message(null);

    public override string Str() => Message(null);

    public override string Repr() => Type.Name + (Args.Length == 1 ? "(" + Ops.Repr(Args[0]) + ")" : Ops.Repr(new PyTuple(Args)));

    public override object? GetAttr(Run run, string name) => name switch
    {
        "args" => new PyTuple(Args),
        _ => base.GetAttr(run, name),
    };
}
