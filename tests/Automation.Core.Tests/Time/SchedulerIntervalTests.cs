using Automation.Core.Rules;
using Automation.Core.Time;

namespace Automation.Core.Tests.Time;

/// <summary>Spec §3.5: Odoo 19's interval of "Automation Rules: check and execute", row by row.</summary>
public sealed class SchedulerIntervalTests
{
    [Theory]
    [InlineData(5, "minutes", 1, 1, "minutes")]
    [InlineData(3, "minutes", 1, 1, "minutes")]
    [InlineData(30, "minutes", 3, 3, "minutes")]
    [InlineData(1, "hour", 6, 6, "minutes")]
    [InlineData(95, "minutes", 9, 9, "minutes")]
    [InlineData(2, "hour", 12, 12, "minutes")]
    [InlineData(3, "hour", 18, 18, "minutes")]
    [InlineData(10, "hour", 60, 1, "hours")]
    [InlineData(1, "day", 144, 144, "minutes")]
    [InlineData(39, "hour", 234, 234, "minutes")]
    [InlineData(40, "hour", 240, 4, "hours")]
    [InlineData(2, "day", 240, 4, "hours")]
    [InlineData(1, "month", 240, 4, "hours")]
    [InlineData(0, "hour", 240, 4, "hours")]
    public void For_SmallestDelay_GivesOdoosInterval(int range, string unit, int minutes, int number, string type)
    {
        var interval = SchedulerInterval.For([Rule(range, unit)]);

        Assert.Equal(minutes, interval);
        Assert.Equal((number, type), SchedulerInterval.Express(interval));
    }

    [Fact]
    public void For_NoTimeRules_IsFourHours()
    {
        Assert.Equal(240, SchedulerInterval.For([]));
        Assert.Equal(240, SchedulerInterval.For([Rule(1, "minutes") with { Trigger = Triggers.OnCreate }]));
    }

    [Fact]
    public void For_ZeroAndInactiveDelays_AreIgnored_TheSmallestOtherWins()
    {
        var interval = SchedulerInterval.For([Rule(0, "minutes"), Rule(1, "hour"), Rule(5, "minutes") with { Active = false }, Rule(3, "hour")]);

        Assert.Equal(6, interval);
    }

    [Fact]
    public void ToMinutes_OdooUnits_CountAMonthAsThirtyDays()
    {
        Assert.Equal(90, SchedulerInterval.ToMinutes(90, "minutes"));
        Assert.Equal(120, SchedulerInterval.ToMinutes(2, "hours"));
        Assert.Equal(30 * 24 * 60, SchedulerInterval.ToMinutes(1, "months"));
        Assert.Null(SchedulerInterval.ToMinutes(1, "fortnights"));
    }

    private static AutomationRule Rule(int range, string unit) => new()
    {
        Name = "r",
        Model = "x_lead",
        Trigger = Triggers.OnTimeCreated,
        TrgDateRange = range,
        TrgDateRangeType = unit,
    };
}
