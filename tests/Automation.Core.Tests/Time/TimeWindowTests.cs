using Automation.Core.Time;

namespace Automation.Core.Tests.Time;

/// <summary>Spec §3.3 and §3.4: which trigger dates a run [last_run, now) processes, and the index range it scans.</summary>
public sealed class TimeWindowTests
{
    [Fact]
    public void Datetime_TwoMinutesAfter_IsDueWhenDatePlusDelayIsInTheWindow()
    {
        var window = Window(2, DelayUnit.Minutes);
        var lastRun = At("2020-01-01 03:02:01");
        var now = At("2020-01-01 03:13:59");

        Assert.True(Due(window, "2020-01-01 03:02:01", lastRun, now)); // moment 03:04:01
        Assert.True(Due(window, "2020-01-01 03:11:00", lastRun, now)); // moment 03:13:00
        Assert.False(Due(window, "2020-01-01 03:12:00", lastRun, now)); // moment 03:14:00: next run
        Assert.False(Due(window, "2020-01-01 03:00:00", lastRun, now)); // moment 03:02:00: the previous run's
    }

    [Fact]
    public void Scenario34_ThreeHoursBefore_ProcessesStartsInElevenToFifteen()
    {
        var window = Window(3, DelayUnit.Hour, before: true);
        var lastRun = At("2025-03-03 08:00:00");
        var now = At("2025-03-03 12:00:00");

        Assert.Equal((At("2025-03-03 11:00:00").Ticks, At("2025-03-03 15:00:00").Ticks), window.Range(lastRun, now));
        Assert.True(Due(window, "2025-03-03 11:00:00", lastRun, now));
        Assert.True(Due(window, "2025-03-03 14:59:59", lastRun, now));
        Assert.False(Due(window, "2025-03-03 15:00:00", lastRun, now));
        Assert.False(Due(window, "2025-03-03 10:59:59", lastRun, now));
    }

    [Fact]
    public void Scenario35_DateField_OneDayAfter_IsDayGranular_ExclusiveLowInclusiveHigh()
    {
        var window = Window(1, DelayUnit.Day, kind: DateKind.Date);
        var lastRun = At("2025-01-10 12:00:00");
        var now = At("2025-01-11 12:00:00");

        Assert.True(window.IsDue(Day("2025-01-10"), lastRun, now)); // 2025-01-09 < d ≤ 2025-01-10
        Assert.False(window.IsDue(Day("2025-01-09"), lastRun, now));
        Assert.False(window.IsDue(Day("2025-01-11"), lastRun, now));
        var range = window.Range(lastRun, now)!.Value;
        Assert.True(range.From <= Day("2025-01-10") && Day("2025-01-10") < range.To);
        Assert.False(range.From <= Day("2025-01-09") && Day("2025-01-09") < range.To);
    }

    [Fact]
    public void DateField_RunAtMidnight_TheDayBecomesDueThen()
    {
        var window = Window(0, DelayUnit.Day, kind: DateKind.Date);

        Assert.True(window.IsDue(Day("2025-01-11"), At("2025-01-10 23:59:00"), At("2025-01-11 00:00:00")));
        Assert.False(window.IsDue(Day("2025-01-11"), At("2025-01-11 00:00:00"), At("2025-01-11 00:01:00")));
    }

    [Theory]
    [InlineData("2025-01-31 10:00:00", "2025-02-28 10:00:00")]
    [InlineData("2024-01-31 10:00:00", "2024-02-29 10:00:00")]
    [InlineData("2025-03-31 23:30:00", "2025-04-30 23:30:00")]
    [InlineData("2025-01-15 08:00:00", "2025-02-15 08:00:00")]
    public void Months_AreCalendarArithmetic_TheMonthsLastDayWhenShorter(string date, string moment)
    {
        var window = Window(1, DelayUnit.Month);

        Assert.Equal(At(moment), window.Moment(At(date).Ticks));
        Assert.True(Due(window, date, At(moment), At(moment).AddSeconds(1)));
        Assert.False(Due(window, date, At(moment).AddSeconds(1), At(moment).AddDays(3)));
    }

    [Fact]
    public void Months_SeveralDaysShareAnExecutionDay_OnlyThoseWhoseMomentIsInTheWindowAreDue()
    {
        var window = Window(1, DelayUnit.Month);
        var lastRun = At("2025-02-28 10:00:00");
        var now = At("2025-02-28 10:45:00");

        Assert.False(Due(window, "2025-01-29 11:00:00", lastRun, now)); // Feb 28 11:00
        Assert.False(Due(window, "2025-01-30 09:00:00", lastRun, now)); // Feb 28 09:00
        Assert.True(Due(window, "2025-01-31 10:30:00", lastRun, now)); // Feb 28 10:30
        Assert.True(Due(window, "2025-01-28 10:10:00", lastRun, now)); // Feb 28 10:10
        var range = window.Range(lastRun, now)!.Value;
        Assert.InRange(At("2025-01-31 10:30:00").Ticks, range.From, range.To - 1);
        Assert.InRange(At("2025-01-28 10:10:00").Ticks, range.From, range.To - 1);
    }

    public static TheoryData<int, DelayUnit, bool, DateKind> Shapes => new()
    {
        { 2, DelayUnit.Minutes, false, DateKind.Datetime },
        { 3, DelayUnit.Hour, true, DateKind.Datetime },
        { 1, DelayUnit.Day, false, DateKind.Date },
        { 2, DelayUnit.Day, true, DateKind.Date },
        { 1, DelayUnit.Month, false, DateKind.Datetime },
        { 1, DelayUnit.Month, true, DateKind.Datetime },
        { 13, DelayUnit.Month, false, DateKind.Date },
        { 0, DelayUnit.Hour, false, DateKind.Datetime },
        { 5, DelayUnit.None, false, DateKind.Datetime },
    };

    /// <summary>
    /// Windows are contiguous: over consecutive runs, every date whose moment falls in their span is due in exactly one
    /// run, and that run's index range contains it (nothing skipped, nothing twice, nothing outside the scan).
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConsecutiveRuns_ProcessEachDueDateExactlyOnce_InsideTheScannedRange(int range, DelayUnit unit, bool before, DateKind kind)
    {
        var window = Window(range, unit, before, kind);
        var random = new Random(range * 31 + (int)unit * 7 + (before ? 1 : 0) + (int)kind * 1000);
        var start = At("2024-01-25 00:00:00");
        var runs = new List<DateTime> { start };
        for (var i = 0; i < 400; i++)
        {
            runs.Add(runs[^1] + TimeSpan.FromMinutes(random.Next(1, 600)) + TimeSpan.FromTicks(random.Next(0, 10_000_000)));
        }

        for (var sample = 0; sample < 3_000; sample++)
        {
            var date = start.AddDays(-400) + TimeSpan.FromTicks((long)(random.NextDouble() * TimeSpan.FromDays(900).Ticks));
            if (kind == DateKind.Date || sample % 5 == 0)
            {
                date = date.Date; // dates, and datetimes at midnight (month ends)
            }

            var value = date.Ticks;
            var dueIn = new List<int>();
            for (var i = 0; i + 1 < runs.Count; i++)
            {
                if (window.IsDue(value, runs[i], runs[i + 1]))
                {
                    dueIn.Add(i);
                    var scanned = window.Range(runs[i], runs[i + 1])!.Value;
                    Assert.InRange(value, scanned.From, scanned.To - 1);
                }
            }

            var moment = window.Moment(value)!.Value;
            var inSpan = kind == DateKind.Date ? moment > runs[0] && moment <= runs[^1] : moment >= runs[0] && moment < runs[^1];
            Assert.Equal(inSpan ? 1 : 0, dueIn.Count);
        }
    }

    [Fact]
    public void Calendar_Scenario32_TwoWorkingDaysAfter_AllLeadsOfJanuaryFirstAreDueOnFebruarySecond()
    {
        var window = new TimeWindow(Spec(2, DelayUnit.Day, calendarId: 1), DateKind.Datetime, WorkingCalendarTests.Standard40Hours());
        var lastRun = At("2020-01-01 03:13:59");
        var now = At("2020-02-02 03:11:00");

        // Odoo's bounds: plan_days(-2, last_run) = Dec 30 13:00 (Dec 31 and Dec 30 are the two working days before).
        Assert.Equal((At("2019-12-30 13:00:00").Ticks, At("2020-01-30 13:00:00").Ticks), window.Range(lastRun, now));
        Assert.True(Due(window, "2020-01-01 03:00:00", lastRun, now));
        Assert.True(Due(window, "2020-01-01 03:13:59", lastRun, now));
        Assert.False(Due(window, "2020-01-30 13:00:00", lastRun, now));
    }

    [Fact]
    public void Calendar_Moment_IsWhenPlanDaysPassesTheDate()
    {
        var window = new TimeWindow(Spec(2, DelayUnit.Day, calendarId: 1), DateKind.Datetime, WorkingCalendarTests.Standard40Hours());
        var moment = window.Moment(At("2020-01-01 03:00:00").Ticks)!.Value;

        // Just after Thursday Jan 2 08:00 the two working days before are Jan 2 and Jan 1, whose last interval starts 13:00.
        Assert.InRange(moment, At("2020-01-02 08:00:00"), At("2020-01-02 08:00:01"));
    }

    [Fact]
    public void Calendar_ConsecutiveRuns_ProcessEachDateExactlyOnce()
    {
        var calendar = WorkingCalendarTests.Standard40Hours();
        foreach (var before in new[] { false, true })
        {
            var window = new TimeWindow(Spec(3, DelayUnit.Day, before, calendarId: 1), DateKind.Datetime, calendar);
            var random = new Random(before ? 2 : 1);
            var runs = new List<DateTime> { At("2024-03-01 00:00:00") };
            for (var i = 0; i < 120; i++)
            {
                runs.Add(runs[^1] + TimeSpan.FromMinutes(random.Next(1, 900)));
            }

            var span = window.Range(runs[0], runs[^1])!.Value;
            for (var sample = 0; sample < 300; sample++)
            {
                var value = span.From + (long)(random.NextDouble() * (span.To - span.From));
                var dueIn = Enumerable.Range(0, runs.Count - 1).Count(i => window.IsDue(value, runs[i], runs[i + 1]));
                Assert.Equal(1, dueIn);
            }
        }
    }

    internal static TimeRuleSpec Spec(int range, DelayUnit unit, bool before = false, long? calendarId = null) => new()
    {
        RuleId = 1,
        Model = "x_lead",
        DateField = "x_date",
        Range = range,
        Unit = unit,
        Before = before,
        CalendarId = calendarId,
    };

    private static TimeWindow Window(int range, DelayUnit unit, bool before = false, DateKind kind = DateKind.Datetime) =>
        new(Spec(range, unit, before), kind);

    private static bool Due(TimeWindow window, string value, DateTime lastRun, DateTime now) => window.IsDue(At(value).Ticks, lastRun, now);

    internal static DateTime At(string value) =>
        DateTime.SpecifyKind(DateTime.ParseExact(value, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static long Day(string value) => At(value + " 00:00:00").Ticks;
}
