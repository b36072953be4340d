using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Automation.Storage.Bench;

/// <summary>
/// The baseline: hand-signed HttpClient requests doing exactly what our clients do, with nothing else in the way
/// (the signer of spec azure-functions-storage §6.2, BCL only).
/// </summary>
internal sealed class RawStorage(HttpClient http, string account, string key, string tableEndpoint, string queueEndpoint)
{
    private readonly byte[] _key = Convert.FromBase64String(key);

    public async Task InsertAsync(string table, string pk, string rk, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{tableEndpoint}/{table}")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        TableHeaders(request);
        request.Headers.TryAddWithoutValidation("Prefer", "return-no-content");
        SignTable(request);
        using var response = await http.SendAsync(request);
        Ensure(response, pk, rk);
    }

    public async Task<string> ReadAsync(string table, string pk, string rk)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"{tableEndpoint}/{table}(PartitionKey='{Uri.EscapeDataString(pk)}',RowKey='{Uri.EscapeDataString(rk)}')");
        TableHeaders(request);
        SignTable(request);
        using var response = await http.SendAsync(request);
        Ensure(response, pk, rk);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task QueueCycleAsync(string queue, string text)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        using (var put = new HttpRequestMessage(HttpMethod.Post, $"{queueEndpoint}/{queue}/messages?messagettl=-1")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"<QueueMessage><MessageText>{encoded}</MessageText></QueueMessage>")),
        })
        {
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            SignQueue(put);
            using var response = await http.SendAsync(put);
            Ensure(response, queue, "put");
        }

        while (true)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, $"{queueEndpoint}/{queue}/messages?numofmessages=1&visibilitytimeout=30");
            SignQueue(get);
            using var response = await http.SendAsync(get);
            Ensure(response, queue, "get");
            var xml = await response.Content.ReadAsStringAsync();
            var id = Between(xml, "<MessageId>", "</MessageId>");
            if (id is null)
            {
                continue; // another worker took the message we sent; ours comes next
            }

            var receipt = Between(xml, "<PopReceipt>", "</PopReceipt>")!;
            using var delete = new HttpRequestMessage(HttpMethod.Delete,
                $"{queueEndpoint}/{queue}/messages/{id}?popreceipt={Uri.EscapeDataString(receipt)}");
            SignQueue(delete);
            using var deleted = await http.SendAsync(delete);
            Ensure(deleted, queue, "delete");
            return;
        }
    }

    private static string? Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        i += start.Length;
        return text[i..text.IndexOf(end, i, StringComparison.Ordinal)];
    }

    private static void TableHeaders(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("x-ms-version", "2019-02-02");
        request.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0");
        request.Headers.TryAddWithoutValidation("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;odata=minimalmetadata");
    }

    private void SignTable(HttpRequestMessage request)
    {
        var date = DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        var contentType = request.Content?.Headers.ContentType?.ToString() ?? "";
        var toSign = $"{request.Method.Method}\n\n{contentType}\n{date}\n/{account}{request.RequestUri!.AbsolutePath}";
        Authorize(request, toSign);
    }

    private void SignQueue(HttpRequestMessage request)
    {
        var date = DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.TryAddWithoutValidation("x-ms-version", "2021-12-02");
        var length = request.Content?.Headers.ContentLength is { } l and > 0 ? l.ToString(CultureInfo.InvariantCulture) : "";
        var contentType = request.Content?.Headers.ContentType?.ToString() ?? "";
        var uri = request.RequestUri!;
        var sb = new StringBuilder()
            .Append(request.Method.Method).Append("\n\n\n").Append(length).Append("\n\n").Append(contentType).Append("\n\n\n\n\n\n\n")
            .Append("x-ms-date:").Append(date).Append('\n').Append("x-ms-version:2021-12-02\n")
            .Append('/').Append(account).Append(uri.AbsolutePath);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
                     .Select(p => p.Split('=', 2)).OrderBy(p => p[0], StringComparer.Ordinal))
        {
            sb.Append('\n').Append(pair[0]).Append(':').Append(Uri.UnescapeDataString(pair.Length > 1 ? pair[1] : ""));
        }

        Authorize(request, sb.ToString());
    }

    private void Authorize(HttpRequestMessage request, string toSign)
    {
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {account}:{signature}");
    }

    private static void Ensure(HttpResponseMessage response, string a, string b)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} for {a}/{b}");
        }
    }
}
