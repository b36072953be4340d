using System.Text.Json;
using System.Text.Json.Serialization;

namespace Automation.Core.Events;

/// <summary>How change events travel on queues and rest in pending-event entities.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(ChangeEvent change) => JsonSerializer.Serialize(change, Options);

    public static ChangeEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<ChangeEvent>(json, Options) ?? throw new JsonException("A change event was null.");
}
