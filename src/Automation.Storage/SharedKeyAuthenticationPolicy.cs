using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Automation.Storage;

/// <summary>The two Shared Key string-to-sign schemes of Azure Storage.</summary>
public enum SharedKeyScheme
{
    /// <summary>Table service: VERB, Content-MD5, Content-Type, Date, canonicalized resource; no x-ms headers.</summary>
    Table,

    /// <summary>Blob/Queue service: the long form with canonicalized x-ms headers and every query parameter.</summary>
    Queue,
}

/// <summary>
/// Signs each attempt with Shared Key (spec azure-functions-storage §3.2, §4.1). It is a per-retry policy so a retried
/// request gets a fresh <c>x-ms-date</c>; it must run after every policy that adds headers.
/// </summary>
internal sealed class SharedKeyAuthenticationPolicy(StorageSharedKeyCredential credential, SharedKeyScheme scheme)
    : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        var stringToSign = StringToSign(request, credential.AccountName, scheme);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(credential.Key, Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.SetValue("Authorization", $"SharedKey {credential.AccountName}:{signature}");
    }

    internal static string StringToSign(Request request, string account, SharedKeyScheme scheme)
    {
        var uri = request.Uri.ToUri();
        var contentType = Header(request, "Content-Type");
        var contentMd5 = Header(request, "Content-MD5");
        var date = Header(request, "x-ms-date");
        if (scheme == SharedKeyScheme.Table)
        {
            // "/" + account + path as sent (path-style Azurite URLs name the account twice) [+ "?comp=…"].
            var resource = "/" + account + uri.AbsolutePath;
            foreach (var (name, values) in ParseQuery(uri.Query))
            {
                if (name == "comp")
                {
                    resource += "?comp=" + string.Join(",", values);
                }
            }

            return string.Join('\n', request.Method.Method, contentMd5, contentType, date, resource);
        }

        long length = 0;
        if (request.Content is { } content && content.TryComputeLength(out var computed))
        {
            length = computed;
        }

        var sb = new StringBuilder();
        sb.Append(request.Method.Method).Append('\n')
            .Append(Header(request, "Content-Encoding")).Append('\n')
            .Append(Header(request, "Content-Language")).Append('\n')
            .Append(length == 0 ? "" : length.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(contentMd5).Append('\n')
            .Append(contentType).Append('\n')
            .Append('\n') // Date: empty because x-ms-date is sent
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');
        foreach (var header in request.Headers
                     .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Name.ToLowerInvariant(), h.Value))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            sb.Append(header.Name).Append(':').Append(header.Value.Trim()).Append('\n');
        }

        sb.Append('/').Append(account).Append(uri.AbsolutePath);
        foreach (var (name, values) in ParseQuery(uri.Query))
        {
            sb.Append('\n').Append(name).Append(':').Append(string.Join(",", values.Order(StringComparer.Ordinal)));
        }

        return sb.ToString();
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : "";

    private static SortedDictionary<string, List<string>> ParseQuery(string query)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]).ToLowerInvariant();
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]);
            if (!result.TryGetValue(name, out var list))
            {
                result[name] = list = [];
            }

            list.Add(value);
        }

        return result;
    }
}
