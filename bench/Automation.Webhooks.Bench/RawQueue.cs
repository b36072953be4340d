using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Automation.Webhooks.Bench;

/// <summary>
/// The baseline: one hand-signed <c>Put Message</c> per call with a plain <see cref="HttpClient"/> (Shared Key, spec
/// azure-functions-storage §4.1), nothing else in the way: Azurite's raw queue-send rate.
/// </summary>
internal sealed class RawQueue(HttpClient http, string account, string key, string queueEndpoint, string queue)
{
    private readonly byte[] _key = Convert.FromBase64String(key);

    public async Task SendAsync(string text)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        using var put = new HttpRequestMessage(HttpMethod.Post, $"{queueEndpoint}/{queue}/messages")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"<QueueMessage><MessageText>{encoded}</MessageText></QueueMessage>")),
        };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        var date = DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        put.Headers.TryAddWithoutValidation("x-ms-date", date);
        put.Headers.TryAddWithoutValidation("x-ms-version", "2021-12-02");
        var toSign = new StringBuilder()
            .Append("POST\n\n\n").Append(put.Content.Headers.ContentLength!.Value.ToString(CultureInfo.InvariantCulture)).Append("\n\n")
            .Append("application/xml").Append("\n\n\n\n\n\n\n")
            .Append("x-ms-date:").Append(date).Append("\nx-ms-version:2021-12-02\n")
            .Append('/').Append(account).Append(put.RequestUri!.AbsolutePath).ToString();
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(toSign)));
        put.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {account}:{signature}");
        using var response = await http.SendAsync(put);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Put Message answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
