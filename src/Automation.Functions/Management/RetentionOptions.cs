using System.Globalization;
using Automation.Functions.Hosting;

namespace Automation.Functions.Management;

/// <summary>How long run history is kept (<c>Automation:Retention:*</c>), validated at start.</summary>
public sealed record RetentionOptions
{
    public const string Section = "Automation:Retention";

    /// <summary>Runs (with the payloads kept for replays) and recorded queue failures older than this are deleted.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The most rows one run of the <c>Retention</c> timer deletes; the next run goes on.</summary>
    public int MaxDeletesPerRun { get; init; } = 200_000;

    public static RetentionOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var period = section[nameof(Period)];
        var max = section[nameof(MaxDeletesPerRun)];
        var options = new RetentionOptions();
        if (!string.IsNullOrEmpty(period))
        {
            options = TimeSpan.TryParse(period, CultureInfo.InvariantCulture, out var p) && p >= TimeSpan.FromHours(1)
                ? options with { Period = p }
                : throw new StartupException($"'{Section}:{nameof(Period)}' is '{period}'; it must be a time span of at least an hour, e.g. 30.00:00:00.");
        }

        if (!string.IsNullOrEmpty(max))
        {
            options = int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) && m is >= 100 and <= 10_000_000
                ? options with { MaxDeletesPerRun = m }
                : throw new StartupException($"'{Section}:{nameof(MaxDeletesPerRun)}' is '{max}'; it must be an integer from 100 to 10000000.");
        }

        return options;
    }
}
