using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Time;

/// <summary>How a trigger date field holds time: a UTC instant, or a calendar day (compared per day, spec §3.3).</summary>
public enum DateKind
{
    Datetime,
    Date,
}

/// <summary>
/// A record's trigger date as the index keeps it: UTC ticks, a date as its UTC midnight (Odoo compares dates with the
/// UTC date of the bounds, spec §3.3). <c>date_automation_last</c> falls back to <c>create_date</c> when empty.
/// </summary>
public static class TriggerDates
{
    /// <summary>The kind of <paramref name="field"/> on <paramref name="model"/>, or null when it is not a date field there.</summary>
    public static DateKind? KindOf(ModelDefinition model, string? field)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (field is "create_date" or "write_date")
        {
            return DateKind.Datetime;
        }

        return field is null ? null : model.Field(field)?.Type switch
        {
            FieldType.Datetime => DateKind.Datetime,
            FieldType.Date => DateKind.Date,
            _ => null,
        };
    }

    /// <summary>The trigger date of <paramref name="record"/> in ticks, or null when empty (never due).</summary>
    public static long? Of(ModelDefinition model, string field, RecordData? record)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (record is null)
        {
            return null;
        }

        object? value = field switch
        {
            "create_date" => record.CreateDate,
            "write_date" => record.WriteDate,
            _ => record[field],
        };
        if (value is null && field == TimeRuleSpec.AutomationLastField)
        {
            value = record.CreateDate; // spec §3.3: an empty date_automation_last reads as the creation date
        }

        return value switch
        {
            DateTime dt when dt != default => DateTime.SpecifyKind(dt, DateTimeKind.Utc).Ticks,
            DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks,
            _ => null,
        };
    }

    /// <summary>The trigger date in a change event's image (before or after).</summary>
    public static long? Of(ModelDefinition model, string field, JsonObject? image) =>
        image is null ? null : Of(model, field, RecordImages.FromJson(model, image));
}
