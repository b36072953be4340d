using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Core.Webhooks;

/// <summary>
/// The payload of a call, built the way Odoo builds it (spec §4.4): the body parsed as JSON whatever its content type;
/// when the body is empty or is not JSON, the query-string parameters (string values, first value of a repeated key).
/// The result is JSON text, as it travels on the queue.
/// </summary>
public static class WebhookPayload
{
    /// <summary>The payload, or the error to answer (400) when there is none.</summary>
    public sealed record Result(string? Json, string? Error);

    public static Result Build(ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> query, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        if (!IsBlank(body))
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
            try
            {
                while (reader.Read())
                {
                }

                return new Result(Encoding.UTF8.GetString(body).Trim(), null);
            }
            catch (JsonException) when (TooDeep(body, maxDepth))
            {
                return new Result(null, $"The JSON body is nested deeper than {maxDepth} levels.");
            }
            catch (JsonException) when (query.Count > 0)
            {
                // Not JSON: Odoo falls back to the query string (spec §4.4).
            }
            catch (JsonException e)
            {
                return new Result(null, $"The body is not JSON ({e.Message}) and the URL has no query parameters.");
            }
        }

        var payload = new JsonObject();
        foreach (var (key, value) in query)
        {
            if (!payload.ContainsKey(key))
            {
                payload[key] = value;
            }
        }

        return new Result(payload.ToJsonString(), null);
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Only on the error path: is it JSON that is merely too deep?</summary>
    private static bool TooDeep(ReadOnlySpan<byte> body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = int.MaxValue / 2 });
        var deepest = 0;
        try
        {
            while (reader.Read())
            {
                deepest = Math.Max(deepest, reader.CurrentDepth);
            }

            return deepest >= maxDepth;
        }
        catch (JsonException)
        {
            return deepest >= maxDepth;
        }
    }
}
