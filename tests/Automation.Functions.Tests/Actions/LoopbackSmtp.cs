using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Automation.Functions.Tests.Actions;

/// <summary>A message the loopback SMTP server accepted: envelope, the raw DATA, and how the session was secured.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data, bool Tls, string? User);

/// <summary>
/// An SMTP server on 127.0.0.1 for the tests (RFC 5321 subset): EHLO/HELO, STARTTLS with a self-signed certificate,
/// AUTH PLAIN and LOGIN against one user, MAIL, RCPT, DATA (dot-unstuffed), RSET, NOOP, QUIT. Mail commands before
/// STARTTLS and AUTH are refused (530), as a submission server does. <see cref="TransientFailures"/> makes the first
/// messages fail with 451.
/// </summary>
public sealed class LoopbackSmtp : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _certificate;
    private readonly Task _accepting;
    private int _failuresLeft;

    public LoopbackSmtp(string user, string password, int transientFailures = 0)
    {
        User = user;
        Password = password;
        _failuresLeft = transientFailures;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        Thumbprint = Convert.ToHexString(SHA256.HashData(_certificate.RawData));
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string User { get; }

    public string Password { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>SHA-256 of the server certificate, for the client's pinning setting.</summary>
    public string Thumbprint { get; }

    public ConcurrentQueue<ReceivedMail> Received { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            Stream stream = client.GetStream();
            var tls = false;
            string? user = null;
            string? from = null;
            var to = new List<string>();
            var reader = new StreamReader(stream, Encoding.UTF8, false, 1024, leaveOpen: true);
            try
            {
                await WriteAsync(stream, "220 localhost ESMTP loopback");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await WriteAsync(stream, "250-localhost", "250-8BITMIME", "250-SIZE 10485760",
                                tls ? "250 AUTH PLAIN LOGIN" : "250 STARTTLS");
                            break;
                        case "HELO":
                            await WriteAsync(stream, "250 localhost");
                            break;
                        case "STARTTLS":
                            await WriteAsync(stream, "220 Ready to start TLS");
                            var ssl = new SslStream(stream, false);
                            await ssl.AuthenticateAsServerAsync(_certificate);
                            stream = ssl;
                            reader.Dispose();
                            reader = new StreamReader(stream, Encoding.UTF8, false, 1024, leaveOpen: true);
                            tls = true;
                            break;
                        case "AUTH":
                            user = await AuthAsync(line, stream, reader);
                            break;
                        case "MAIL":
                            if (!tls || user is null)
                            {
                                await WriteAsync(stream, "530 5.7.0 Authentication required");
                                break;
                            }

                            from = Between(line);
                            to.Clear();
                            await WriteAsync(stream, "250 OK");
                            break;
                        case "RCPT":
                            to.Add(Between(line));
                            await WriteAsync(stream, from is null ? "503 MAIL first" : "250 OK");
                            break;
                        case "DATA":
                            await WriteAsync(stream, "354 End data with <CR><LF>.<CR><LF>");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            {
                                data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                            }

                            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
                            {
                                await WriteAsync(stream, "451 4.3.0 Try again later");
                            }
                            else
                            {
                                Received.Enqueue(new ReceivedMail(from!, [.. to], data.ToString(), tls, user));
                                await WriteAsync(stream, "250 2.0.0 Ok: queued as " + Received.Count);
                            }

                            break;
                        case "RSET":
                        case "NOOP":
                            await WriteAsync(stream, "250 OK");
                            break;
                        case "QUIT":
                            await WriteAsync(stream, "221 Bye");
                            return;
                        default:
                            await WriteAsync(stream, "502 Command not implemented");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // the client went away
            }
            finally
            {
                reader.Dispose();
                await stream.DisposeAsync();
            }
        }
    }

    private async Task<string?> AuthAsync(string line, Stream stream, StreamReader reader)
    {
        var parts = line.Split(' ');
        string? user = null;
        string? password = null;
        if (parts.Length >= 2 && parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            var token = parts.Length > 2 ? parts[2] : await PromptAsync(stream, reader, "");
            var fields = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\0');
            (user, password) = fields.Length == 3 ? (fields[1], fields[2]) : (null, null);
        }
        else if (parts.Length >= 2 && parts[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
        {
            user = Encoding.UTF8.GetString(Convert.FromBase64String(await PromptAsync(stream, reader, "VXNlcm5hbWU6")));
            password = Encoding.UTF8.GetString(Convert.FromBase64String(await PromptAsync(stream, reader, "UGFzc3dvcmQ6")));
        }

        if (user == User && password == Password)
        {
            await WriteAsync(stream, "235 2.7.0 Authentication successful");
            return user;
        }

        await WriteAsync(stream, "535 5.7.8 Authentication credentials invalid");
        return null;
    }

    private async Task<string> PromptAsync(Stream stream, StreamReader reader, string challenge)
    {
        await WriteAsync(stream, "334 " + challenge);
        return await reader.ReadLineAsync(_stop.Token) ?? "";
    }

    private static string Between(string line) => line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];

    private static async Task WriteAsync(Stream stream, params string[] lines)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\r\n"))));
        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _certificate.Dispose();
        _stop.Dispose();
    }
}
