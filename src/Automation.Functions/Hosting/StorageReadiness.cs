using Microsoft.AspNetCore.Http;

namespace Automation.Functions.Hosting;

/// <summary>
/// Whether storage is ready (tables and queues created, start-up tasks run). In Functions mode the handler listens
/// before that work is done, so the host's readiness ping and <c>/api/health</c> answer at once (cold start, issue
/// #11); every other request and invocation waits for it. Standalone mode gets storage ready before it listens.
/// </summary>
public sealed class StorageReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    internal void Succeeded() => _ready.TrySetResult();

    internal void Failed(Exception error) => _ready.TrySetException(error);
}

/// <summary>Functions mode: holds requests until <see cref="StorageReadiness"/> completes; the readiness ping and health pass.</summary>
internal sealed class StorageReadinessGate(RequestDelegate next, StorageReadiness readiness, HostSettings settings)
{
    private readonly PathString _health = new("/" + settings.RoutePrefix + "/health");

    public async Task InvokeAsync(HttpContext context)
    {
        if (!readiness.Ready.IsCompletedSuccessfully && !IsReadinessCheck(context.Request))
        {
            try
            {
                await readiness.Ready.WaitAsync(context.RequestAborted);
            }
            catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
            {
                // Storage could not be made ready: the process is stopping with the reason on stderr.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
        }

        await next(context);
    }

    // The host polls GET / until anything answers (spec azure-functions-storage §1.2); health needs no storage.
    private bool IsReadinessCheck(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && (request.Path == "/" || request.Path.Equals(_health, StringComparison.OrdinalIgnoreCase));
}
