using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Automation.Functions.Deliveries;

/// <summary>An outgoing request refused before it was sent (SSRF protection, a malformed URL): permanent.</summary>
public sealed class OutboundRefusedException(string message) : Exception(message);

/// <summary>What came back: the status, headers worth keeping, and the start of the body (at most the configured size).</summary>
public sealed record OutboundResponse(int Status, string Body, TimeSpan? RetryAfter, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// The HTTP client of every outgoing request (webhooks, SMS and WhatsApp providers, the AI endpoint): each connection is
/// checked by <see cref="NetworkGuard"/> after DNS resolution (so a name resolving to a private address is refused),
/// redirects are followed by hand and checked again (307/308 only, at most 5), requests time out, and at most
/// <see cref="DeliveryOptions.MaxResponseBytes"/> of an answer is read.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    public const int MaxRedirects = 5;

    private readonly HttpClient _client;
    private readonly NetworkGuard _guard;
    private readonly DeliveryOptions _options;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public OutboundHttp(DeliveryOptions options, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _guard = new NetworkGuard(options.AllowedNetworks);
        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false, // a proxy would connect for us, past the guard
            ConnectTimeout = options.HttpTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 64,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Automation/0.1 (+outbox)");
    }

    public NetworkGuard Guard => _guard;

    /// <summary>
    /// Sends <paramref name="create"/>'s request (built anew for each redirect hop) and reads the answer. Throws
    /// <see cref="OutboundRefusedException"/> for a refused address or URL, <see cref="HttpRequestException"/> or
    /// <see cref="TimeoutException"/> for network trouble.
    /// </summary>
    public async Task<OutboundResponse> SendAsync(Uri url, Func<Uri, HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(create);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HttpTimeout);
        var current = url;
        for (var hop = 0; ; hop++)
        {
            CheckUrl(current);
            using var request = create(current);
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (HttpRequestException e) when (Refused(e) is { } refused)
            {
                throw new OutboundRefusedException(refused.Message);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No answer from {current.Host} within {_options.HttpTimeout.TotalSeconds:0.#} s.");
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is 307 or 308 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new OutboundRefusedException($"More than {MaxRedirects} redirects, the last to {location}.");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                var body = await ReadAsync(response, timeout.Token);
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (response.Headers.Location is { } moved)
                {
                    headers["Location"] = moved.ToString();
                }

                return new OutboundResponse(status, body, RetryAfter(response), headers);
            }
        }
    }

    private static OutboundRefusedException? Refused(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutboundRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>A URL literal is checked before any connection: scheme, credentials, and an IP host against the guard.</summary>
    private void CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            throw new OutboundRefusedException($"'{url}' is not an http(s) URL.");
        }

        if (url.UserInfo.Length > 0)
        {
            throw new OutboundRefusedException("URLs with credentials are not sent.");
        }

        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && _guard.Refusal(literal) is { } refusal)
        {
            throw new OutboundRefusedException(refusal);
        }
    }

    /// <summary>Resolves the host, refuses forbidden addresses, connects to the first allowed one that answers.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await _resolve(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new HttpRequestException($"{host} does not resolve to any address.");
        }

        var refusals = addresses.Select(a => (Address: a, Refusal: _guard.Refusal(a))).ToList();
        if (refusals.FirstOrDefault(r => r.Refusal is not null) is { Refusal: { } first })
        {
            // One forbidden address is enough to refuse: a name that resolves partly inside is not trusted (DNS rebinding).
            throw new OutboundRefusedException($"{host} resolves to {first}");
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }

        throw new HttpRequestException($"Could not connect to {host}:{context.DnsEndPoint.Port}: {last?.Message}", last);
    }

    private async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(_options.MaxResponseBytes, 1 << 20)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary><c>Retry-After</c> in seconds or as an HTTP date.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    public void Dispose() => _client.Dispose();
}
