using System.Globalization;
using Automation.Core.Time;
using Automation.Functions.Hosting;

namespace Automation.Functions.Time;

/// <summary>Settings of the time rules' check (<c>Automation:TimeRules:*</c> and the timer's schedule), each with a default.</summary>
public sealed record TimeRuleOptions
{
    public const string Section = "Automation:TimeRules";

    /// <summary>
    /// The <c>TimeRules</c> timer's NCRONTAB schedule, referenced as <c>%TimeRulesSchedule%</c> by its function.json: how
    /// often the timer looks whether the check is due (the check itself runs every interval, spec §3.5).
    /// </summary>
    public const string ScheduleSetting = "TimeRulesSchedule";

    /// <summary>Every minute, at second 0: the shortest interval Odoo's formula gives.</summary>
    public const string DefaultSchedule = "0 * * * * *";

    /// <summary>A check stops starting new work after this long (below host.json's functionTimeout); the next one resumes.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>The check's lease: a check that dies frees the next one after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a due record's claimed run is held before another check may take it over.</summary>
    public TimeSpan RunLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Due records processed at once.</summary>
    public int Parallelism { get; init; } = 4;

    public static TimeRuleOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return new TimeRuleOptions
        {
            Budget = Span(section, nameof(Budget), TimeSpan.FromMinutes(4)),
            Lease = Span(section, nameof(Lease), TimeSpan.FromMinutes(1)),
            RunLease = Span(section, nameof(RunLease), TimeSpan.FromMinutes(2)),
            Parallelism = Integer(section, nameof(Parallelism), 4, 1, 64),
        };
    }

    public TimeRuleJobOptions ToJobOptions(ILogger logger) => new()
    {
        Budget = Budget,
        Lease = Lease,
        Parallelism = Parallelism,
        Warning = (message, e) => logger.LogWarning(e, "{Message}", message),
        Error = (message, e) => logger.LogError(e, "{Message}", message),
    };

    private static int Integer(IConfigurationSection section, string name, int fallback, int min, int max)
    {
        var raw = section[name];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupException(string.Create(CultureInfo.InvariantCulture, $"'{Section}:{name}' is '{raw}'; it must be an integer from {min} to {max}."));
    }

    private static TimeSpan Span(IConfigurationSection section, string name, TimeSpan fallback)
    {
        var raw = section[name];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new StartupException($"'{Section}:{name}' is '{raw}'; it must be a duration from 00:00:00.001 to 01:00:00 (hh:mm:ss).");
    }
}
