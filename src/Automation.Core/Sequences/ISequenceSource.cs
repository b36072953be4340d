namespace Automation.Core.Sequences;

/// <summary>Draws numbers of <c>ir.sequence</c> records (spec §6).</summary>
public interface ISequenceSource
{
    /// <summary>
    /// The next number of sequence <paramref name="sequenceId"/> formatted with its prefix, padding and suffix, for
    /// <paramref name="date"/> (today when null); null when there is no such active sequence. With <paramref name="peek"/>
    /// the number is formatted but not drawn. Throws <see cref="SequenceException"/> for a bad prefix or suffix.
    /// </summary>
    Task<string?> NextByIdAsync(long sequenceId, DateOnly? date, CancellationToken cancellationToken, bool peek = false);
}

/// <summary>A sequence that cannot produce a number as configured (spec §6: "Invalid prefix or suffix for sequence …").</summary>
public sealed class SequenceException(string message) : Exception(message);
