using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Functions.Api;
using Automation.Functions.Hosting;
using Automation.Storage.Management;

namespace Automation.Functions.Management;

/// <summary>
/// Dead letters (ARCHITECTURE §4): messages the queue functions failed on <c>maxDequeueCount</c> times, in
/// <c>&lt;queue&gt;-poison</c>. Listed with their payload and last error; replayed (one, or all) to their queue, or
/// deleted. Payloads hold record data and webhook payloads, so these routes need <c>admin</c>.
/// </summary>
public static class DeadLettersApi
{
    /// <summary>A replay of everything stops after this many messages or this long, and says how many are left.</summary>
    public const int MaxReplayAll = 5_000;

    public static readonly TimeSpan ReplayAllBudget = TimeSpan.FromSeconds(20);

    public static RouteGroupBuilder MapDeadLettersApi(this RouteGroupBuilder api)
    {
        var letters = api.MapGroup("/admin/dead-letters").WithTags("Dead letters");
        letters.MapGet("", ListAsync).RequireScope(Scopes.Admin);
        letters.MapPost("/{id}/replay", ReplayAsync).RequireScope(Scopes.Admin);
        letters.MapDelete("/{id}", DeleteAsync).RequireScope(Scopes.Admin);
        letters.MapPost("/replay", ReplayAllAsync).RequireScope(Scopes.Admin);
        letters.MapDelete("", ClearAsync).RequireScope(Scopes.Admin);
        return api;
    }

    private static async Task<IResult> ListAsync(string? queue, int? limit, DeadLetters deadLetters, FunctionCatalog catalog, CancellationToken cancellationToken)
    {
        if (Queues(catalog, queue) is not { } queues)
        {
            return UnknownQueue(queue!, catalog);
        }

        if (limit is < 1 or > DeadLetters.MaxListedPerQueue)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"limit must be between 1 and {DeadLetters.MaxListedPerQueue} (messages shown per queue, oldest first)."],
            });
        }

        var (summary, letters) = await deadLetters.ListAsync(queues, limit ?? DeadLetters.MaxListedPerQueue, cancellationToken);
        return TypedResults.Ok(new JsonObject
        {
            ["queues"] = new JsonArray(summary.Select(q => (JsonNode)new JsonObject
            {
                ["queue"] = q.Queue,
                ["poison_queue"] = q.PoisonQueue,
                ["count"] = q.Count,
            }).ToArray()),
            ["dead_letters"] = new JsonArray(letters.Select(l => (JsonNode)new JsonObject
            {
                ["id"] = l.Id,
                ["queue"] = l.Queue,
                ["message_id"] = l.MessageId,
                ["dead_since"] = KeysApi.Timestamp(l.InsertedOn.UtcDateTime),
                ["payload"] = Payload(l.Text),
                ["error"] = l.Failure?.Error,
                ["failed_attempts"] = l.Failure?.DequeueCount,
                ["last_failed_at"] = l.Failure is { } f ? KeysApi.Timestamp(f.At) : null,
            }).ToArray()),
        });
    }

    private static async Task<IResult> ReplayAsync(string id, DeadLetters deadLetters, FunctionCatalog catalog, CancellationToken cancellationToken) =>
        DeadLetter.ParseId(id) is var (queue, messageId) && Queues(catalog, queue) is not null &&
        await deadLetters.ReplayAsync(queue, messageId, cancellationToken)
            ? TypedResults.Ok(new JsonObject { ["id"] = id, ["replayed"] = true, ["queue"] = queue })
            : NotFound(id);

    private static async Task<IResult> DeleteAsync(string id, DeadLetters deadLetters, FunctionCatalog catalog, CancellationToken cancellationToken) =>
        DeadLetter.ParseId(id) is var (queue, messageId) && Queues(catalog, queue) is not null &&
        await deadLetters.DeleteAsync(queue, messageId, cancellationToken)
            ? TypedResults.NoContent()
            : NotFound(id);

    /// <summary><c>POST /api/admin/dead-letters/replay[?queue=]</c>: every dead letter (of one queue) back to its queue.</summary>
    private static async Task<IResult> ReplayAllAsync(string? queue, DeadLetters deadLetters, FunctionCatalog catalog, CancellationToken cancellationToken)
    {
        if (Queues(catalog, queue) is not { } queues)
        {
            return UnknownQueue(queue!, catalog);
        }

        var result = new JsonArray();
        var total = 0;
        foreach (var name in queues)
        {
            var (replayed, remaining) = await deadLetters.ReplayAllAsync(name, MaxReplayAll - total, ReplayAllBudget, cancellationToken);
            total += replayed;
            result.Add(new JsonObject { ["queue"] = name, ["replayed"] = replayed, ["remaining"] = remaining });
        }

        return TypedResults.Ok(new JsonObject { ["replayed"] = total, ["queues"] = result });
    }

    /// <summary><c>DELETE /api/admin/dead-letters?queue=</c>: empties one poison queue (the queue must be named).</summary>
    private static async Task<IResult> ClearAsync(string? queue, DeadLetters deadLetters, FunctionCatalog catalog, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(queue))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["queue"] = ["Name the queue whose dead letters to delete (?queue=…); nothing is deleted without it."],
            });
        }

        if (Queues(catalog, queue) is null)
        {
            return UnknownQueue(queue, catalog);
        }

        return TypedResults.Ok(new JsonObject { ["queue"] = queue, ["deleted"] = await deadLetters.ClearAsync(queue, cancellationToken) });
    }

    /// <summary>The queues of the app's queue functions, or the one asked for; null when it is not one of them.</summary>
    private static List<string>? Queues(FunctionCatalog catalog, string? queue)
    {
        var all = catalog.All.Where(f => f.Trigger == TriggerKind.Queue).Select(f => f.QueueName!).Distinct(StringComparer.Ordinal).ToList();
        return queue is null ? all : all.Contains(queue) ? [queue] : null;
    }

    private static JsonNode? Payload(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text; // not JSON: shown as the text it is
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no dead letter '{id}' (ids are <queue>.<message id>).");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult UnknownQueue(string queue, FunctionCatalog catalog) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown queue",
            detail: $"'{queue}' is not a queue of this app; its queues are {string.Join(", ", Queues(catalog, null)!)}.");
}
