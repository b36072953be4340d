using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Automation.Scripting.Runtime;

/// <summary>The state of one evaluation: limits, counters and the host. Never shared between threads.</summary>
internal sealed class Run
{
    private readonly long _maxSteps;
    private readonly long _deadline;
    private readonly long _maxAlloc;
    private long _nextTimeCheck;
    private readonly long _startAllocated;

    public Run(ScriptLimits limits, CancellationToken cancellation = default)
    {
        Limits = limits;
        _maxSteps = limits.MaxSteps;
        _maxAlloc = limits.MaxAllocatedBytes;
        _deadline = limits.MaxWallTime == Timeout.InfiniteTimeSpan
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)(limits.MaxWallTime.TotalSeconds * Stopwatch.Frequency);
        _nextTimeCheck = Math.Min(1024, _maxSteps == long.MaxValue ? 1024 : _maxSteps + 1);
        Cancellation = cancellation;
        _startAllocated = GC.GetAllocatedBytesForCurrentThread();
        MaxString = limits.MaxStringLength;
        MaxCollection = limits.MaxCollectionLength;
    }

    public ScriptLimits Limits { get; }

    /// <summary>The run executing on this thread (runs are synchronous), for helpers without a Run parameter.</summary>
    [ThreadStatic]
    private static Run? _current;

    public static Run? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>Checks a string being built by a helper that has no Run at hand (repr of containers).</summary>
    public static void CheckBuilding(int length)
    {
        var run = _current;
        if (run != null && length > run.MaxString)
        {
            run.CheckString(length);
        }
    }

    public CancellationToken Cancellation { get; }

    public long Steps;
    public int Depth;
    public long Allocated;
    public int Line;
    public readonly int MaxString;
    public readonly int MaxCollection;

    public Odoo.ScriptHost? Host { get; set; }

    public PyException? Handling { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tick()
    {
        if (++Steps >= _nextTimeCheck)
        {
            SlowTick();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SlowTick()
    {
        if (Steps > _maxSteps)
        {
            throw Limit(nameof(ScriptLimits.MaxSteps), $"step limit exceeded: the script ran more than {_maxSteps} steps");
        }

        _nextTimeCheck = Steps + 1024;
        if (_nextTimeCheck > _maxSteps && _maxSteps < long.MaxValue)
        {
            _nextTimeCheck = _maxSteps + 1;
        }
        if (Stopwatch.GetTimestamp() > _deadline)
        {
            throw Limit(nameof(ScriptLimits.MaxWallTime), $"time limit exceeded: the script ran longer than {Limits.MaxWallTime.TotalMilliseconds:0} ms");
        }

        if (Cancellation.IsCancellationRequested)
        {
            throw Limit("Cancellation", "the run was cancelled");
        }

        // every object a run creates is allocated on this thread: the runtime's counter sees all of them,
        // including the small ones the explicit accounting below does not price
        if (GC.GetAllocatedBytesForCurrentThread() - _startAllocated > _maxAlloc)
        {
            throw Limit(nameof(ScriptLimits.MaxAllocatedBytes), $"memory limit exceeded: the script allocated more than {_maxAlloc} bytes");
        }
    }

    /// <summary>Prices an allocation before it happens (large strings and containers), so one huge request fails early.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Alloc(long bytes)
    {
        Allocated += bytes;
        if (Allocated > _maxAlloc)
        {
            throw Limit(nameof(ScriptLimits.MaxAllocatedBytes), $"memory limit exceeded: the script allocated more than {_maxAlloc} bytes");
        }
    }

    public void CheckString(long length)
    {
        if (length > MaxString)
        {
            throw Limit(nameof(ScriptLimits.MaxStringLength), $"string too long: {length} characters, the limit is {MaxString}");
        }

        Alloc(length * 2);
    }

    public void CheckCollection(long length)
    {
        if (length > MaxCollection)
        {
            throw Limit(nameof(ScriptLimits.MaxCollectionLength), $"collection too large: {length} items, the limit is {MaxCollection}");
        }

        Alloc(length * 8);
    }

    public ScriptLimitExceededException Limit(string name, string message) => new(name, message, Line);

    public void EnterCall()
    {
        if (++Depth > Limits.MaxCallDepth)
        {
            Depth = 0;
            throw Limit(nameof(ScriptLimits.MaxCallDepth), $"maximum recursion depth exceeded: more than {Limits.MaxCallDepth} nested calls");
        }

        if (Depth > 4)
        {
            // shallow recursion cannot exhaust the stack; deeper calls check the real headroom
            StackGuard.Check(this);
        }
    }
}

internal static class StackGuard
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(Run? run)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ScriptLimitExceededException(nameof(ScriptLimits.MaxCallDepth), "maximum recursion depth exceeded: the evaluation nests too deeply", run?.Line ?? 0);
        }
    }
}

/// <summary>A closure cell.</summary>
internal sealed class Cell
{
    public object? Value = Unbound.Instance;
}

/// <summary>Marks an unassigned variable slot.</summary>
internal sealed class Unbound
{
    public static readonly Unbound Instance = new();

    private Unbound()
    {
    }
}

/// <summary>An activation record: slot-resolved locals, module globals and closure cells.</summary>
internal sealed class Frame(Run run, object?[] slots, object?[] globals, Cell[]? free)
{
    public readonly Run Run = run;
    public readonly object?[] Slots = slots;
    public readonly object?[] Globals = globals;
    public readonly Cell[]? Free = free;
    public object? ReturnValue;
}
