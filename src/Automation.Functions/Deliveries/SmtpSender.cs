using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Storage.Deliveries;

namespace Automation.Functions.Deliveries;

/// <summary>
/// A small SMTP client (RFC 5321) for the outbox: EHLO, STARTTLS (RFC 3207) or implicit TLS, AUTH PLAIN or LOGIN
/// (RFC 4954), MAIL/RCPT/DATA with dot-stuffing, QUIT. A 4xx reply is transient (retried on schedule), a 5xx reply
/// permanent; network errors and timeouts are transient. The message is MIME multipart/alternative (text and HTML,
/// UTF-8, base64), headers encoded per RFC 2047, CR and LF removed from header values.
/// </summary>
public sealed class SmtpSender(SmtpOptions options, string defaultFrom)
{
    public async Task<AttemptOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (options.Host is null)
        {
            return new AttemptOutcome(AttemptResult.Permanent, null, $"No SMTP server is configured ({SmtpOptions.Section}:Host).");
        }

        var mail = MailMessageText.Create(delivery.Message, defaultFrom, delivery.Id);
        if (mail.Error is not null)
        {
            return new AttemptOutcome(AttemptResult.Permanent, null, mail.Error);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            return await TransactAsync(mail, timeout.Token);
        }
        catch (SmtpReplyException e)
        {
            return new AttemptOutcome(e.Code >= 500 ? AttemptResult.Permanent : AttemptResult.Retry,
                e.Code.ToString(CultureInfo.InvariantCulture), e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(AttemptResult.Retry, null, $"The SMTP server did not finish within {options.Timeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            return new AttemptOutcome(AttemptResult.Retry, null, $"SMTP {options.Host}:{options.Port}: {e.Message}");
        }
    }

    private async Task<AttemptOutcome> TransactAsync(MailMessageText mail, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(options.Host!, options.Port, cancellationToken);
        Stream stream = client.GetStream();
        if (options.Security == "tls")
        {
            stream = await TlsAsync(stream, cancellationToken);
        }

        var session = new Session(stream);
        try
        {
            return await TransactAsync(session, stream, mail, cancellationToken);
        }
        finally
        {
            session.Dispose();
        }
    }

    private async Task<AttemptOutcome> TransactAsync(Session session, Stream stream, MailMessageText mail, CancellationToken cancellationToken)
    {
        await session.ExpectAsync(220, cancellationToken);
        var extensions = await session.EhloAsync(cancellationToken);
        if (options.Security == "starttls")
        {
            if (!extensions.ContainsKey("STARTTLS"))
            {
                throw new SmtpReplyException(530, $"{options.Host} does not offer STARTTLS, and {SmtpOptions.Section}:Security is 'starttls'.");
            }

            await session.CommandAsync("STARTTLS", 220, cancellationToken);
            session.Dispose();
            session = new Session(await TlsAsync(stream, cancellationToken));
            extensions = await session.EhloAsync(cancellationToken);
        }

        if (options.Username is not null)
        {
            var mechanisms = extensions.GetValueOrDefault("AUTH", "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (mechanisms.Contains("PLAIN", StringComparer.OrdinalIgnoreCase))
            {
                var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{options.Username}\0{options.Password}"));
                await session.CommandAsync("AUTH PLAIN " + token, 235, cancellationToken, redact: "AUTH PLAIN ***");
            }
            else if (mechanisms.Contains("LOGIN", StringComparer.OrdinalIgnoreCase))
            {
                await session.CommandAsync("AUTH LOGIN", 334, cancellationToken);
                await session.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Username)), 334, cancellationToken, redact: "***");
                await session.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Password ?? "")), 235, cancellationToken, redact: "***");
            }
            else
            {
                throw new SmtpReplyException(535, $"{options.Host} offers no AUTH mechanism we speak (PLAIN, LOGIN); it offers: {string.Join(' ', mechanisms)}.");
            }
        }

        var utf8 = extensions.ContainsKey("SMTPUTF8") && mail.NeedsUtf8Envelope ? " SMTPUTF8" : "";
        await session.CommandAsync($"MAIL FROM:<{mail.Sender}>{utf8}", 250, cancellationToken);
        var refused = new List<string>();
        foreach (var recipient in mail.Recipients)
        {
            var reply = await session.SendAsync($"RCPT TO:<{recipient}>", cancellationToken);
            if (reply.Code is not (250 or 251))
            {
                if (reply.Code < 500)
                {
                    throw new SmtpReplyException(reply.Code, $"RCPT TO:<{recipient}>: {reply.Code} {reply.Text}");
                }

                refused.Add($"{recipient}: {reply.Code} {reply.Text}");
            }
        }

        if (refused.Count == mail.Recipients.Count)
        {
            throw new SmtpReplyException(550, "Every recipient was refused: " + string.Join("; ", refused));
        }

        await session.CommandAsync("DATA", 354, cancellationToken);
        var accepted = await session.DataAsync(mail.Text, cancellationToken);
        try
        {
            await session.SendAsync("QUIT", cancellationToken);
        }
        catch (Exception e) when (e is IOException or SmtpReplyException)
        {
            // the message is accepted; a rude goodbye changes nothing
        }

        return new AttemptOutcome(AttemptResult.Delivered, $"{accepted.Code} {accepted.Text}",
            refused.Count > 0 ? "Some recipients were refused: " + string.Join("; ", refused) : null);
    }

    private async Task<Stream> TlsAsync(Stream inner, CancellationToken cancellationToken)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None ||
            (options.TrustedCertificate is { } pinned && certificate is not null &&
             Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())) == pinned));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = options.Host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }, cancellationToken);
        return tls;
    }

    private sealed record Reply(int Code, string Text, IReadOnlyList<string> Lines);

    /// <summary>A reply code that ends the transaction: 4xx transient, 5xx permanent.</summary>
    private sealed class SmtpReplyException(int code, string message) : Exception(message)
    {
        public int Code { get; } = code;
    }

    private sealed class Session(Stream stream) : IDisposable
    {
        private const int MaxReplyLines = 100;
        private readonly StreamReader _reader = new(stream, new UTF8Encoding(false), false, 1024, leaveOpen: true);

        public async Task<Dictionary<string, string>> EhloAsync(CancellationToken cancellationToken)
        {
            var reply = await CommandAsync("EHLO " + LocalName(), 250, cancellationToken);
            var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in reply.Lines.Skip(1))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                extensions[space < 0 ? line : line[..space]] = space < 0 ? "" : line[(space + 1)..];
            }

            return extensions;
        }

        public async Task<Reply> CommandAsync(string command, int expected, CancellationToken cancellationToken, string? redact = null)
        {
            var reply = await SendAsync(command, cancellationToken);
            return reply.Code == expected ? reply : throw new SmtpReplyException(reply.Code, $"{redact ?? Verb(command)}: {reply.Code} {reply.Text}");
        }

        public async Task<Reply> SendAsync(string command, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            return await ReadAsync(cancellationToken);
        }

        public async Task ExpectAsync(int code, CancellationToken cancellationToken)
        {
            var reply = await ReadAsync(cancellationToken);
            if (reply.Code != code)
            {
                throw new SmtpReplyException(reply.Code, $"Greeting: {reply.Code} {reply.Text}");
            }
        }

        /// <summary>Sends the message after 354: lines starting with '.' get another '.', then CRLF.CRLF.</summary>
        public async Task<Reply> DataAsync(string text, CancellationToken cancellationToken)
        {
            var stuffed = new StringBuilder(text.Length + 64);
            foreach (var line in text.Split("\r\n"))
            {
                stuffed.Append(line.StartsWith('.') ? "." + line : line).Append("\r\n");
            }

            stuffed.Append(".\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(stuffed.ToString()), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            var reply = await ReadAsync(cancellationToken);
            return reply.Code == 250 ? reply : throw new SmtpReplyException(reply.Code, $"DATA: {reply.Code} {reply.Text}");
        }

        private async Task<Reply> ReadAsync(CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            while (true)
            {
                var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new IOException("The SMTP server closed the connection.");
                if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                {
                    throw new IOException($"Not an SMTP reply: '{(line.Length > 80 ? line[..80] : line)}'.");
                }

                lines.Add(line.Length > 4 ? line[4..] : "");
                if (line.Length == 3 || line[3] == ' ' || lines.Count >= MaxReplyLines)
                {
                    return new Reply(code, string.Join(" ", lines), lines);
                }
            }
        }

        public void Dispose() => _reader.Dispose();

        private static string Verb(string command) => command.Split(' ')[0];

        private static string LocalName()
        {
            var name = System.Net.Dns.GetHostName();
            return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') && name.Length > 0 ? name : "localhost";
        }
    }
}

/// <summary>An email of the outbox as MIME text, with its envelope (sender and recipients).</summary>
public sealed record MailMessageText(string Sender, IReadOnlyList<string> Recipients, string Text, bool NeedsUtf8Envelope, string? Error)
{
    public static MailMessageText Create(JsonObject message, string defaultFrom, string id)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (fromName, fromAddress) = Parse(message["from"]?.GetValue<string>() ?? defaultFrom);
        if (fromAddress is null)
        {
            return Fail($"The sender '{message["from"]}' is not an email address.");
        }

        var to = Addresses(message["to"]);
        var cc = Addresses(message["cc"]);
        var recipients = to.Concat(cc).Select(a => a.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0)
        {
            return Fail("The email has no valid recipient.");
        }

        var boundary = "=_" + id.Replace("-", "", StringComparison.Ordinal);
        var text = new StringBuilder();
        Header(text, "From", Mailbox(fromName, fromAddress));
        Header(text, "To", string.Join(", ", to.Select(a => Mailbox(a.Name, a.Address))));
        if (cc.Count > 0)
        {
            Header(text, "Cc", string.Join(", ", cc.Select(a => Mailbox(a.Name, a.Address))));
        }

        if (message["reply_to"]?.GetValue<string>() is { } replyTo && Parse(replyTo) is (var replyName, { } replyAddress))
        {
            Header(text, "Reply-To", Mailbox(replyName, replyAddress));
        }

        Header(text, "Subject", Encode(message["subject"]?.GetValue<string>() ?? ""));
        Header(text, "Date", DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture));
        Header(text, "Message-ID", $"<{id}@automation>");
        Header(text, "MIME-Version", "1.0");
        Header(text, "Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
        text.Append("\r\n");
        Part(text, boundary, "text/plain", message["text"]?.GetValue<string>() ?? "");
        Part(text, boundary, "text/html", message["html"]?.GetValue<string>() ?? "");
        text.Append("--").Append(boundary).Append("--\r\n");
        var utf8 = !fromAddress.All(char.IsAscii) || recipients.Any(r => !r.All(char.IsAscii));
        return new MailMessageText(fromAddress, recipients, text.ToString(), utf8, null);

        static MailMessageText Fail(string error) => new("", [], "", false, error);
    }

    /// <summary>"Name &lt;a@b&gt;" or "a@b"; null address when it is not one.</summary>
    public static (string? Name, string? Address) Parse(string text)
    {
        var clean = (text ?? "").Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
        string? name = null;
        var address = clean;
        var open = clean.LastIndexOf('<');
        if (open >= 0 && clean.EndsWith('>'))
        {
            name = clean[..open].Trim().Trim('"');
            address = clean[(open + 1)..^1].Trim();
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        var valid = at > 0 && at < address.Length - 1 && address.Length <= 254 && !address.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"');
        return (string.IsNullOrEmpty(name) ? null : name, valid ? address : null);
    }

    private static List<(string? Name, string Address)> Addresses(JsonNode? node) =>
        (node as JsonArray ?? []).OfType<JsonObject>()
            .Select(a => (Name: a["name"]?.GetValue<string>(), Parsed: Parse(a["email"]?.GetValue<string>() ?? "")))
            .Where(a => a.Parsed.Address is not null)
            .Select(a => (a.Name ?? a.Parsed.Name, a.Parsed.Address!))
            .ToList();

    private static string Mailbox(string? name, string address) =>
        string.IsNullOrWhiteSpace(name) ? address : $"{(name.All(c => char.IsAscii(c) && c != '"' && c != '\\') ? "\"" + name + "\"" : Encode(name))} <{address}>";

    private static void Header(StringBuilder text, string name, string value) =>
        text.Append(name).Append(": ").Append(value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)).Append("\r\n");

    /// <summary>RFC 2047 encoded-word (UTF-8, base64) when the text is not plain ASCII.</summary>
    private static string Encode(string value)
    {
        if (value.All(c => c is >= ' ' and <= '~'))
        {
            return value;
        }

        // Encoded words are at most 75 characters: split the text into chunks of at most 45 bytes.
        var words = new List<string>();
        var chunk = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            if (Encoding.UTF8.GetByteCount(chunk.ToString() + rune) > 45)
            {
                words.Add(chunk.ToString());
                chunk.Clear();
            }

            chunk.Append(rune.ToString());
        }

        words.Add(chunk.ToString());
        return string.Join(" ", words.Select(w => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(w)) + "?="));
    }

    private static void Part(StringBuilder text, string boundary, string type, string content)
    {
        text.Append("--").Append(boundary).Append("\r\n");
        text.Append("Content-Type: ").Append(type).Append("; charset=utf-8\r\n");
        text.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
        for (var i = 0; i < encoded.Length; i += 76)
        {
            text.Append(encoded, i, Math.Min(76, encoded.Length - i)).Append("\r\n");
        }
    }
}
