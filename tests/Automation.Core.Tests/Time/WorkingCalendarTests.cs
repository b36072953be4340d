using Automation.Core.Time;
using static Automation.Core.Tests.Time.TimeWindowTests;

namespace Automation.Core.Tests.Time;

/// <summary>Spec §3.4: Odoo's <c>plan_days</c> over a calendar's attendances minus its leaves.</summary>
public sealed class WorkingCalendarTests
{
    /// <summary>Odoo's "Standard 40 hours/week": Monday to Friday, 8–12 and 13–17, here in UTC.</summary>
    internal static WorkingCalendar Standard40Hours(TimeZoneInfo? zone = null, params Leave[] leaves) =>
        new(1, zone ?? TimeZoneInfo.Utc,
            Enumerable.Range(0, 5).SelectMany(d => new[] { new Attendance(d, 8, 12), new Attendance(d, 13, 17) }),
            leaves);

    [Fact]
    public void PlanDays_Back_ReturnsTheStartOfTheLatestIntervalOfTheNthWorkingDay()
    {
        var calendar = Standard40Hours();

        // Wednesday Jan 1 2020 03:13:59: no interval started yet that day; Dec 31 is the 1st, Dec 30 the 2nd.
        Assert.Equal(At("2019-12-30 13:00:00"), calendar.PlanDays(-2, At("2020-01-01 03:13:59")));
        // Sunday Feb 2: Friday Jan 31 and Thursday Jan 30.
        Assert.Equal(At("2020-01-30 13:00:00"), calendar.PlanDays(-2, At("2020-02-02 03:11:00")));
        // Inside Monday's first interval: Monday counts, and its latest interval so far started at 08:00.
        Assert.Equal(At("2020-01-06 08:00:00"), calendar.PlanDays(-1, At("2020-01-06 09:30:00")));
    }

    [Fact]
    public void PlanDays_Forward_ReturnsTheEndOfTheFirstIntervalOfTheNthWorkingDay()
    {
        var calendar = Standard40Hours();

        Assert.Equal(At("2020-01-06 12:00:00"), calendar.PlanDays(1, At("2020-01-06 10:00:00")));
        Assert.Equal(At("2020-01-07 12:00:00"), calendar.PlanDays(2, At("2020-01-06 10:00:00")));
        // Friday afternoon + 2 working days: Monday is the 1st... no, Friday's 13–17 counts as the 1st, Monday the 2nd.
        Assert.Equal(At("2020-01-13 12:00:00"), calendar.PlanDays(2, At("2020-01-10 14:00:00")));
    }

    [Fact]
    public void PlanDays_GlobalLeave_IsNotAWorkingDay()
    {
        var calendar = Standard40Hours(null, new Leave(At("2020-01-07 00:00:00"), At("2020-01-08 00:00:00")));

        Assert.Equal(At("2020-01-08 12:00:00"), calendar.PlanDays(2, At("2020-01-06 10:00:00")));
        Assert.Equal(At("2020-01-06 13:00:00"), calendar.PlanDays(-1, At("2020-01-08 07:00:00")));
    }

    [Fact]
    public void PlanDays_Zero_IsTheInstantItself_AndNoAttendanceFindsNothing()
    {
        Assert.Equal(At("2020-01-06 10:00:00"), Standard40Hours().PlanDays(0, At("2020-01-06 10:00:00")));
        Assert.Null(new WorkingCalendar(2, TimeZoneInfo.Utc, [], []).PlanDays(3, At("2020-01-06 10:00:00")));
    }

    [Fact]
    public void WorkIntervals_FollowTheCalendarsTimeZone_AcrossDaylightSaving()
    {
        var brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
        var calendar = Standard40Hours(brussels);

        var winter = calendar.WorkIntervals(At("2024-01-08 00:00:00"), At("2024-01-09 00:00:00"));
        var summer = calendar.WorkIntervals(At("2024-07-08 00:00:00"), At("2024-07-09 00:00:00"));

        Assert.Equal((At("2024-01-08 07:00:00"), At("2024-01-08 11:00:00")), winter[0]); // 08:00 CET
        Assert.Equal((At("2024-07-08 06:00:00"), At("2024-07-08 10:00:00")), summer[0]); // 08:00 CEST
        Assert.Equal(2, winter.Count);
    }
}
