using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Domains;

/// <summary>
/// Record JSON images (the before/after of a <see cref="Events.ChangeEvent"/>) as <see cref="RecordData"/>, the one
/// representation the evaluator reads. one2many ids in the image are kept, so evaluating them needs no lookup.
/// </summary>
public static class RecordImages
{
    public static RecordData FromJson(ModelDefinition model, JsonObject image)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in model.Fields)
        {
            if (!image.TryGetPropertyValue(field.Name, out var node))
            {
                continue;
            }

            // Images come from the engine, so they parse; a value that does not reads as the field's empty value.
            if (RecordJson.TryParseFieldValue(field, node?.DeepClone(), out var value, out _) && value is not null)
            {
                values[field.Name] = value;
            }
        }

        return new RecordData(model.Name, Long(image["id"]), values)
        {
            CreateDate = Moment(image["create_date"]),
            WriteDate = Moment(image["write_date"]),
        };
    }

    private static long Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var id) ? id : 0;

    private static DateTime Moment(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) &&
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt)
            ? dt
            : default;
}
