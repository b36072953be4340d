namespace Automation.Scripting;

/// <summary>
/// Budgets for one run (and for compilation). Hitting any of them ends the run with a
/// <see cref="ScriptLimitExceededException"/> whose <see cref="ScriptLimitExceededException.Limit"/> names the property.
/// </summary>
public sealed record ScriptLimits
{
    public static readonly ScriptLimits Default = new();

    /// <summary>Evaluation steps (statements, loop iterations, calls, comprehension items, builtin loop items).</summary>
    public long MaxSteps { get; init; } = 10_000_000;

    /// <summary>Wall-clock time of one run; <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan MaxWallTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Nested Python function calls (recursion depth).</summary>
    public int MaxCallDepth { get; init; } = 200;

    /// <summary>Characters in any one string a script builds.</summary>
    public int MaxStringLength { get; init; } = 10_000_000;

    /// <summary>Items in any one list, tuple, dict or set a script builds.</summary>
    public int MaxCollectionLength { get; init; } = 1_000_000;

    /// <summary>Bytes a run may allocate in total (measured by the runtime for the run's thread every 1,024 steps;
    /// large strings and containers are also priced before they are allocated).</summary>
    public long MaxAllocatedBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Size of any integer, in bits (Python ints are unbounded; this keeps 10**10**9 from running for hours).</summary>
    public int MaxIntegerBits { get; init; } = 100_000;

    /// <summary>Characters of source accepted at save/compile time.</summary>
    public int MaxSourceLength { get; init; } = 200_000;

    /// <summary>
    /// Nesting of brackets and blocks accepted at save/compile time (CPython allows 200 brackets).
    /// The syntax tree may be at most 2 × this deep (long operator chains).
    /// </summary>
    public int MaxNestingDepth { get; init; } = 200;
}
