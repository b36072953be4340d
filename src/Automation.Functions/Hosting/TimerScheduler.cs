using NCrontab;

namespace Automation.Functions.Hosting;

/// <summary>A 6-field NCRONTAB schedule (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>), as the Functions timer reads it.</summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule _schedule;

    private TimerSchedule(CrontabSchedule schedule, string expression)
    {
        _schedule = schedule;
        Expression = expression;
    }

    public string Expression { get; }

    public static TimerSchedule Parse(string expression, string functionName)
    {
        var schedule = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        return schedule is null
            ? throw new StartupException(
                $"Function '{functionName}': the schedule '{expression}' is not a 6-field NCRONTAB expression " +
                "('{second} {minute} {hour} {day} {month} {day-of-week}', e.g. '0 */1 * * * *').")
            : new TimerSchedule(schedule, expression);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in UTC (Flex runs in UTC).</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after) =>
        new(DateTime.SpecifyKind(_schedule.GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));
}
