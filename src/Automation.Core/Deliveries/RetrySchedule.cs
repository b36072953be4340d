using System.Globalization;

namespace Automation.Core.Deliveries;

/// <summary>
/// When the attempts of a delivery happen: the Standard Webhooks schedule by default (immediately, then 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 10 h after the previous failure), each delay stretched by up to <see cref="JitterFraction"/> at
/// random so that many failed deliveries do not come back at the same moment. A <c>Retry-After</c> the receiver sent
/// is honoured when it asks for longer (capped at <see cref="MaxRetryAfter"/>).
/// </summary>
public sealed class RetrySchedule
{
    public static readonly IReadOnlyList<TimeSpan> StandardWebhooks =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public const double JitterFraction = 0.2;

    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    public RetrySchedule(IReadOnlyList<TimeSpan>? delays = null)
    {
        Delays = delays ?? StandardWebhooks;
        if (Delays.Count == 0 || Delays.Any(d => d < TimeSpan.Zero))
        {
            throw new ArgumentException("A retry schedule needs at least one delay, none negative.", nameof(delays));
        }
    }

    /// <summary>Delay before attempt n (0-based); attempt 0 is the first.</summary>
    public IReadOnlyList<TimeSpan> Delays { get; }

    public int MaxAttempts => Delays.Count;

    /// <summary>
    /// When attempt <paramref name="attemptsMade"/> + 1 happens after a failure at <paramref name="now"/>, or null when
    /// every attempt has been made. <paramref name="random"/> in [0, 1) draws the jitter.
    /// </summary>
    public DateTimeOffset? NextAttempt(int attemptsMade, DateTimeOffset now, TimeSpan? retryAfter, double random)
    {
        if (attemptsMade >= Delays.Count)
        {
            return null;
        }

        var delay = Delays[attemptsMade];
        delay += TimeSpan.FromTicks((long)(delay.Ticks * JitterFraction * Math.Clamp(random, 0, 1)));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked > MaxRetryAfter ? MaxRetryAfter : asked;
        }

        return now + delay;
    }

    /// <summary>Parses <c>0s,5s,5m,30m,2h,5h,10h,10h</c> (units ms, s, m, h, d) or time spans (<c>00:00:05</c>).</summary>
    public static RetrySchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var delays = new List<TimeSpan>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            delays.Add(ParseDelay(part) ?? throw new FormatException($"'{part}' is not a delay (use e.g. 500ms, 5s, 5m, 2h, 1d or hh:mm:ss)."));
        }

        if (delays.Count is 0 or > 20)
        {
            throw new FormatException("A retry schedule has from 1 to 20 delays.");
        }

        return new RetrySchedule(delays);
    }

    private static TimeSpan? ParseDelay(string part)
    {
        if (TimeSpan.TryParse(part, CultureInfo.InvariantCulture, out var span) && part.Contains(':', StringComparison.Ordinal))
        {
            return span >= TimeSpan.Zero ? span : null;
        }

        var (number, unit) = part.EndsWith("ms", StringComparison.Ordinal) ? (part[..^2], "ms") : (part[..^1], part[^1..]);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 100_000)
        {
            return null;
        }

        return unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            "d" => TimeSpan.FromDays(value),
            _ => null,
        };
    }
}
