using System.Diagnostics;
using System.Globalization;

namespace Automation.Functions.Tests.Time;

/// <summary>
/// The app's clock in time-rule tests: set to a moment, it runs on from there at real speed (so every change still gets
/// its own instant), and moves forward only when a test says so. Timers keep real durations.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _setTo = start;
    private long _setAt = Stopwatch.GetTimestamp();

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _setTo + Stopwatch.GetElapsedTime(_setAt);
        }
    }

    /// <summary>Moves the clock to <paramref name="at"/>, which must not be in its past.</summary>
    public void Set(DateTimeOffset at)
    {
        lock (_gate)
        {
            var now = _setTo + Stopwatch.GetElapsedTime(_setAt);
            if (at < now)
            {
                throw new InvalidOperationException($"The clock only moves forward: it is {now:O}, {at:O} was asked.");
            }

            _setTo = at;
            _setAt = Stopwatch.GetTimestamp();
        }
    }

    public void Advance(TimeSpan by) => Set(GetUtcNow() + by);

    public static DateTimeOffset At(string utc) =>
        DateTimeOffset.ParseExact(utc, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
