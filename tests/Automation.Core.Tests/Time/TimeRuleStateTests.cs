using Automation.Core.Time;
using static Automation.Core.Tests.Time.TimeWindowTests;

namespace Automation.Core.Tests.Time;

public sealed class TimeRuleStateTests
{
    [Fact]
    public void Activated_StartsAtActivation_OrIn1970WhenRetroactive()
    {
        var at = At("2025-05-05 10:00:00");

        Assert.Equal(at, TimeRuleState.Activated(7, at, retroactive: false).From);
        Assert.Equal(DateTime.UnixEpoch, TimeRuleState.Activated(7, at, retroactive: true).From);
    }

    [Fact]
    public void ReachableFrom_IsTheNewestWindowBoundAtOrBeforeTheCommit()
    {
        var state = new TimeRuleState
        {
            RuleId = 1,
            LastRun = At("2025-05-05 10:20:00"),
            Bounds = [At("2025-05-05 10:00:00"), At("2025-05-05 10:10:00"), At("2025-05-05 10:20:00")],
        };

        Assert.Equal(At("2025-05-05 10:10:00"), state.ReachableFrom(At("2025-05-05 10:15:00")));
        Assert.Equal(At("2025-05-05 10:20:00"), state.ReachableFrom(At("2025-05-05 10:20:00")));
        Assert.Equal(At("2025-05-05 10:00:00"), state.ReachableFrom(At("2025-05-05 09:00:00"))); // older than what is kept
    }

    [Fact]
    public void Scanned_IsTheWindowInProgressEnd_OrLastRun()
    {
        var state = new TimeRuleState { RuleId = 1, LastRun = At("2025-05-05 10:00:00") };

        Assert.Equal(At("2025-05-05 10:00:00"), state.Scanned);
        Assert.Equal(At("2025-05-05 10:06:00"), (state with { WindowNow = At("2025-05-05 10:06:00") }).Scanned);
    }
}
