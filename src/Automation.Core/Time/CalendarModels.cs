using System.Text.Json.Nodes;
using Automation.Core.Models;

namespace Automation.Core.Time;

/// <summary>
/// The minimal <c>resource.calendar</c> of Odoo that working-day delays need (spec §3.4): a time zone, weekly attendances
/// and global leaves (public holidays). Field names are Odoo's; <c>dayofweek</c> is '0' (Monday) to '6' (Sunday) and hours
/// are floats (8.5 = 08:30) in the calendar's time zone; leaves are UTC datetimes.
/// </summary>
public static class CalendarModels
{
    public const string Calendar = "resource.calendar";
    public const string Attendance = "resource.calendar.attendance";
    public const string Leaves = "resource.calendar.leaves";

    private static readonly (string Key, string Label)[] Weekdays =
        [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday"), ("5", "Saturday"), ("6", "Sunday")];

    public static IReadOnlyList<ModelDefinition> All { get; } =
    [
        new(Calendar,
        [
            Field("name", FieldType.Char, "Name") with { Required = true },
            Field("tz", FieldType.Char, "Timezone") with { Default = JsonValue.Create("UTC") },
            Field("attendance_ids", FieldType.One2many, "Working Time") with { Relation = Attendance, InverseName = "calendar_id" },
            Field("global_leave_ids", FieldType.One2many, "Global Time Off") with { Relation = Leaves, InverseName = "calendar_id" },
            Field("active", FieldType.Boolean, "Active") with { Default = JsonValue.Create(true) },
        ], "Resource Working Time", builtIn: true),
        new(Attendance,
        [
            Field("name", FieldType.Char, "Name"),
            Field("calendar_id", FieldType.Many2one, "Resource's Calendar") with { Required = true, Relation = Calendar },
            Field("dayofweek", FieldType.Selection, "Day of Week") with
            {
                Required = true,
                Default = JsonValue.Create("0"),
                Selection = [.. Weekdays.Select(w => new SelectionOption(w.Key, w.Label))],
            },
            Field("hour_from", FieldType.Float, "Work from") with { Required = true },
            Field("hour_to", FieldType.Float, "Work to") with { Required = true },
        ], "Work Detail", builtIn: true),
        new(Leaves,
        [
            Field("name", FieldType.Char, "Reason"),
            Field("calendar_id", FieldType.Many2one, "Working Hours") with { Relation = Calendar },
            Field("date_from", FieldType.Datetime, "Start Date") with { Required = true },
            Field("date_to", FieldType.Datetime, "End Date") with { Required = true },
        ], "Resource Time Off Detail", builtIn: true),
    ];

    public static bool IsCalendarModel(string model) => model is Calendar or Attendance or Leaves;

    private static FieldDefinition Field(string name, FieldType type, string label) => new() { Name = name, Type = type, String = label };
}
