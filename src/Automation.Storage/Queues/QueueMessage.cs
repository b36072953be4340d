using System.Text;

namespace Automation.Storage.Queues;

/// <summary>A received message: leased until <see cref="NextVisibleOn"/>; delete or update it with <see cref="PopReceipt"/>.</summary>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn,
    string RawText)
{
    /// <summary>
    /// The message text, base64-decoded as the Functions queue extension does (messageEncoding base64);
    /// null when the stored text is not valid base64 UTF-8 (the host sends such messages straight to poison).
    /// </summary>
    public string? Text => QueueMessageEncoding.TryDecode(RawText);
}

/// <summary>A message seen without leasing it.</summary>
public sealed record PeekedMessage(string MessageId, long DequeueCount, DateTimeOffset InsertedOn, DateTimeOffset ExpiresOn, string RawText)
{
    public string? Text => QueueMessageEncoding.TryDecode(RawText);
}

/// <summary>What <c>SendMessage</c> returns.</summary>
public sealed record SendReceipt(string MessageId, string PopReceipt, DateTimeOffset InsertedOn, DateTimeOffset ExpiresOn, DateTimeOffset NextVisibleOn);

/// <summary>What <c>UpdateMessage</c> returns: the new receipt to use from now on.</summary>
public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleOn);

/// <summary>Base64 of UTF-8, the Functions convention for queue messages (spec §4.2).</summary>
public static class QueueMessageEncoding
{
    /// <summary>The service's limit on message text as sent: 64 KiB.</summary>
    public const int MaxEncodedLength = 64 * 1024;

    /// <summary>The largest UTF-8 payload that fits once base64-encoded: 48 KiB.</summary>
    public const int MaxTextBytes = MaxEncodedLength / 4 * 3;

    public static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string? TryDecode(string raw)
    {
        var buffer = new byte[(raw.Length + 3) / 4 * 3];
        if (!Convert.TryFromBase64String(raw, buffer, out var written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>A message too large for one queue message, refused before it is sent.</summary>
public sealed class QueueMessageTooLargeException(string queueName, int encodedLength)
    : ArgumentException(
        $"The message for queue '{queueName}' is {encodedLength:N0} characters once base64-encoded; a queue message holds at most " +
        $"{QueueMessageEncoding.MaxEncodedLength:N0} ({QueueMessageEncoding.MaxTextBytes:N0} bytes of UTF-8 text). " +
        "Store the payload in a table and enqueue a reference to it.")
{
    public string QueueName { get; } = queueName;

    public int EncodedLength { get; } = encodedLength;
}
