using System.Text.Json;
using System.Xml.Linq;
using Azure;

namespace Automation.Storage;

/// <summary>Turns a failed response into <see cref="RequestFailedException"/> with the service's error code.</summary>
internal static class StorageErrors
{
    public static RequestFailedException FromResponse(Response response, string operation)
    {
        var (code, message) = Parse(response);
        code ??= response.Headers.TryGetValue("x-ms-error-code", out var headerCode) ? headerCode : null;
        var text = $"{operation} failed: {response.Status} {code ?? response.ReasonPhrase}" +
                   (string.IsNullOrEmpty(message) ? "" : $" — {FirstLine(message)}");
        return new RequestFailedException(response.Status, text, code, null);
    }

    /// <summary>Error bodies come as JSON (<c>odata.error</c>) or as XML (<c>&lt;Error&gt;&lt;Code&gt;</c>), even when JSON was asked for.</summary>
    internal static (string? Code, string? Message) Parse(Response response)
    {
        var body = response.Content?.ToString();
        return ParseBody(body);
    }

    internal static (string? Code, string? Message) ParseBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        var trimmed = body.TrimStart();
        try
        {
            if (trimmed.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(trimmed);
                if (doc.RootElement.TryGetProperty("odata.error", out var error))
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                    string? message = null;
                    if (error.TryGetProperty("message", out var m))
                    {
                        message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v)
                            ? v.GetString()
                            : m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    }

                    return (code, message);
                }
            }
            else if (trimmed.StartsWith('<'))
            {
                var xml = XDocument.Parse(trimmed);
                var root = xml.Root;
                return (root?.Element("Code")?.Value, root?.Element("Message")?.Value);
            }
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException)
        {
            // Not a service error body; report the status alone.
        }

        return (null, null);
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }
}
