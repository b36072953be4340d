using System.Collections.Concurrent;
using System.Globalization;
using Automation.Core.Domains;
using Automation.Core.Records;

namespace Automation.Core.Time;

/// <summary>A calendar a rule names cannot be used: it does not exist, or its time zone is unknown.</summary>
public sealed class CalendarException(string message) : Exception(message);

/// <summary>
/// Reads <c>resource.calendar</c> records into <see cref="WorkingCalendar"/>s. The job reads them afresh for each run;
/// <see cref="CachedAsync"/> serves the change observer from a short-lived copy (it only decides about late changes).
/// </summary>
public sealed class CalendarSource(RecordService records, TimeProvider time)
{
    /// <summary>Attendances and leaves read per calendar at most.</summary>
    public const int MaxLines = 2_000;

    private static readonly TimeSpan CacheAge = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<long, (WorkingCalendar Calendar, DateTimeOffset ReadAt)> _cache = new();

    public async Task<WorkingCalendar> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var calendarModel = await records.ModelAsync(CalendarModels.Calendar, cancellationToken);
        var calendar = await records.Store.FindAsync(calendarModel, id, cancellationToken)
            ?? throw new CalendarException(string.Create(CultureInfo.InvariantCulture, $"The rule's working-time calendar {id} (resource.calendar) does not exist."));
        var zoneName = calendar["tz"] as string is { Length: > 0 } tz ? tz : "UTC";
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CalendarException($"Calendar '{calendar["name"]}' has the time zone '{zoneName}', which is not a known IANA time zone (e.g. 'Europe/Brussels').");
        }

        var attendances = await LinesAsync(CalendarModels.Attendance, id, cancellationToken);
        var leaves = await LinesAsync(CalendarModels.Leaves, id, cancellationToken);
        var result = new WorkingCalendar(id, zone,
            attendances.Select(a => new Attendance(
                int.TryParse(a["dayofweek"] as string, NumberStyles.Integer, CultureInfo.InvariantCulture, out var day) ? day : -1,
                a["hour_from"] as double? ?? 0,
                a["hour_to"] as double? ?? 0)),
            leaves.Where(l => l["date_from"] is DateTime && l["date_to"] is DateTime)
                .Select(l => new Leave((DateTime)l["date_from"]!, (DateTime)l["date_to"]!)));
        _cache[id] = (result, time.GetUtcNow());
        return result;
    }

    /// <summary>A copy at most <see cref="CacheAge"/> old.</summary>
    public async Task<WorkingCalendar> CachedAsync(long id, CancellationToken cancellationToken) =>
        _cache.TryGetValue(id, out var held) && time.GetUtcNow() - held.ReadAt < CacheAge ? held.Calendar : await LoadAsync(id, cancellationToken);

    /// <summary>A calendar, attendance or leave changed on this instance: read calendars afresh.</summary>
    public void Invalidate() => _cache.Clear();

    private async Task<IReadOnlyList<RecordData>> LinesAsync(string model, long calendarId, CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        var page = await records.SearchAsync(definition, Domain.FromTerms([new object?[] { "calendar_id", "=", calendarId }]), MaxLines, null, cancellationToken);
        return page.Records;
    }
}
