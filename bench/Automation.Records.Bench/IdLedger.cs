namespace Automation.Records.Bench;

/// <summary>Every id handed out, as a growable bitmap: an id seen twice is a duplicate.</summary>
public sealed class IdLedger
{
    private ulong[] _bits = new ulong[1024];

    public long Count { get; private set; }

    public long Duplicates { get; private set; }

    public long Max { get; private set; }

    public void Add(long id)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(id);
        var word = id >> 6;
        if (word >= _bits.Length)
        {
            Array.Resize(ref _bits, (int)Math.Max(word + 1, _bits.LongLength * 2));
        }

        var mask = 1UL << (int)(id & 63);
        if ((_bits[word] & mask) != 0)
        {
            Duplicates++;
        }

        _bits[word] |= mask;
        Count++;
        Max = Math.Max(Max, id);
    }
}
