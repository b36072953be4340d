using Microsoft.AspNetCore.Http;

namespace Automation.Functions.Hosting;

/// <summary>
/// Whether storage is ready (handlers checked, tables and queues created, start-up tasks run). In Functions mode the
/// handler listens before that work is done and starts it once the host's first readiness ping is answered, so the
/// ping and <c>/api/health</c> answer at once (cold start, issue #11); every other request and invocation starts it if
/// it has not started and waits for it. Standalone mode gets storage ready before it listens.
/// </summary>
public sealed class StorageReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _deferred;

    public Task Ready => _ready.Task;

    /// <summary>Functions mode: the work that makes storage ready, started by the first <see cref="Begin"/>.</summary>
    internal void Defer(Action start) => _deferred = start;

    /// <summary>Starts the deferred work unless it has started (or there is none).</summary>
    internal void Begin() => Interlocked.Exchange(ref _deferred, null)?.Invoke();

    internal void Succeeded() => _ready.TrySetResult();

    internal void Failed(Exception error) => _ready.TrySetException(error);
}

/// <summary>
/// Functions mode, first in the pipeline: answers the host's readiness ping (404, as routing would) and health itself,
/// so a cold handler's first answers need neither storage nor the route table of every endpoint (cold start, issue
/// #11), and starts storage preparation once the first of them is answered. Every other request starts it too and
/// waits until storage is ready.
/// </summary>
internal sealed class StorageReadinessGate(RequestDelegate next, StorageReadiness readiness, HostSettings settings)
{
    private readonly PathString _health = new("/" + settings.RoutePrefix + "/health");

    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/")
        {
            // The host polls GET / until anything answers (spec azure-functions-storage §1.2).
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            readiness.Begin();
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Equals(_health, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                await Endpoints.HealthEndpoints.WriteAsync(context);
            }
            finally
            {
                readiness.Begin();
            }

            return;
        }

        if (!readiness.Ready.IsCompletedSuccessfully)
        {
            readiness.Begin();
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
}
