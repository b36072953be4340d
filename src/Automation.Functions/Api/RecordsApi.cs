using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Records;

namespace Automation.Functions.Api;

/// <summary>API.md "Records": <c>/api/records/{model}[/{id}]</c>.</summary>
public static class RecordsApi
{
    /// <summary>A record body is bounded: the entity limit is 1 MiB, so 4 MiB of JSON is plenty.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public const int MaxJsonDepth = 64;

    public const int DefaultLimit = 80;

    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapRecordsApi(this RouteGroupBuilder api)
    {
        var records = api.MapGroup("/records/{model}").WithTags("Records");
        records.MapPost("", CreateAsync).RequireScope(Scopes.RecordsWrite);
        records.MapGet("", ListAsync).RequireScope(Scopes.RecordsRead);
        records.MapGet("/{id:long}", GetAsync).RequireScope(Scopes.RecordsRead);
        records.MapPatch("/{id:long}", WriteAsync).RequireScope(Scopes.RecordsWrite);
        records.MapDelete("/{id:long}", DeleteAsync).RequireScope(Scopes.RecordsWrite);
        records.MapPost("/onchange", OnChangeAsync).RequireScope(Scopes.RecordsWrite);
        records.MapPost("/{id:long}/messages", PostMessageAsync).RequireScope(Scopes.RecordsWrite);
        return api;
    }

    private static readonly string[] MessageKeys = ["body", "message_type", "subtype", "author_id", "subject"];

    private static readonly string[] MessageTypes = ["comment", "email", "notification", "auto_comment", "user_notification"];

    /// <summary>
    /// API.md: <c>{"body", "message_type", "subtype", "author_id"}</c> → 201, the <c>mail.message</c> posted on the record's
    /// chatter. The author defaults to the caller's partner, as <c>message_post</c> does; <c>null</c> is a message without
    /// author (an email from an unknown address). The mail triggers of the record's rules run on it (spec §2.7).
    /// </summary>
    private static async Task<IResult> PostMessageAsync(string model, long id, HttpContext http, RecordService records,
        CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        if (!Core.Rules.RuleValidator.HasChatter(definition))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["model"] = [$"{model} has no chatter (discussion feature): messages cannot be posted on it."],
            });
        }

        await records.GetAsync(definition, id, cancellationToken); // 404 when the record does not exist
        var body = await ReadObjectAsync(http.Request, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        foreach (var unknown in body.Select(p => p.Key).Where(k => !MessageKeys.Contains(k)))
        {
            errors[unknown] = [$"Unknown key; a message has {string.Join(", ", MessageKeys)}."];
        }

        var messageType = Text(body, "message_type", "comment", errors);
        if (!MessageTypes.Contains(messageType))
        {
            errors["message_type"] = [$"message_type must be one of {string.Join(", ", MessageTypes)}."];
        }

        var subtype = Text(body, "subtype", "comment", errors);
        if (subtype is not ("comment" or "note"))
        {
            errors["subtype"] = ["subtype must be comment (Discussions) or note."];
        }

        var messages = await records.ModelAsync("mail.message", cancellationToken);
        JsonNode? author;
        if (!body.TryGetPropertyValue("author_id", out author))
        {
            author = await CallerPartnerAsync(records, http.Caller().Uid, cancellationToken);
        }
        else if (author is not null && (author is not JsonValue value || !value.TryGetValue<long>(out var partnerId) ||
                                        (await records.Store.FindAsync(await records.ModelAsync("res.partner", cancellationToken), partnerId,
                                            cancellationToken)) is null))
        {
            errors["author_id"] = ["author_id must be the id of an existing res.partner, or null for a message without author."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var values = new JsonObject
        {
            ["model"] = model,
            ["res_id"] = id,
            ["body"] = body["body"]?.DeepClone() ?? "",
            ["message_type"] = messageType,
            ["subtype"] = subtype,
            ["author_id"] = author?.DeepClone(),
            ["subject"] = body["subject"]?.DeepClone(),
            ["date"] = RecordJson.FormatDateTime(DateTime.UtcNow),
        };
        var message = await records.CreateAsync(messages, values, Context(http), cancellationToken);
        return TypedResults.Created($"/api/records/mail.message/{message.Id.ToString(CultureInfo.InvariantCulture)}",
            await records.ToJsonAsync(messages, message, null, cancellationToken));
    }

    private static string Text(JsonObject body, string key, string fallback, Dictionary<string, string[]> errors)
    {
        if (body[key] is null)
        {
            return fallback;
        }

        if (body[key] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        errors[key] = [$"{key} must be a string."];
        return fallback;
    }

    /// <summary>The partner of the calling user, Odoo's default author; none when the user has none.</summary>
    private static async Task<JsonNode?> CallerPartnerAsync(RecordService records, long uid, CancellationToken cancellationToken)
    {
        var users = await records.ModelAsync("res.users", cancellationToken);
        return await records.Store.FindAsync(users, uid, cancellationToken) is { } user &&
               RecordJson.ToJson(users, user)["partner_id"] is JsonValue partner && partner.TryGetValue<long>(out var partnerId)
            ? partnerId
            : null;
    }

    private static async Task<IResult> CreateAsync(string model, HttpContext http, RecordService records, CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        var body = await ReadObjectAsync(http.Request, cancellationToken);
        var record = await records.CreateAsync(definition, body, Context(http), cancellationToken);
        http.Response.Headers.ETag = record.ETag;
        return TypedResults.Created($"/api/records/{model}/{record.Id.ToString(CultureInfo.InvariantCulture)}",
            await records.ToJsonAsync(definition, record, null, cancellationToken, loadOne2many: name => body.ContainsKey(name)));
    }

    /// <summary>API.md: <c>{"values": {...}, "changed": "field"}</c> → <c>{"value": {...}, "warning": null|{...}}</c> (On UI change rules).</summary>
    private static async Task<IResult> OnChangeAsync(string model, HttpContext http, RecordService records, Core.Rules.OnChange onChange,
        CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        var body = await ReadObjectAsync(http.Request, cancellationToken);
        if (body["values"] is not JsonObject values || body["changed"] is not JsonValue changedNode || !changedNode.TryGetValue<string>(out var changed))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["$"] = ["Send {\"values\": {field: value, …}, \"changed\": \"<field name>\"}."],
            });
        }

        if (!definition.HasField(changed))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["changed"] = [$"{model} has no field '{changed}'."] });
        }

        var result = await onChange.RunAsync(definition, values, changed, http.Caller().Uid, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["value"] = result.Value, ["warning"] = result.Warning });
    }

    private static async Task<IResult> GetAsync(string model, long id, HttpContext http, RecordService records, string? fields,
        CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        var record = await records.GetAsync(definition, id, cancellationToken);
        http.Response.Headers.ETag = record.ETag;
        return TypedResults.Ok(await records.ToJsonAsync(definition, record, Fields(definition, fields), cancellationToken));
    }

    private static async Task<IResult> WriteAsync(string model, long id, HttpContext http, RecordService records, CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        var body = await ReadObjectAsync(http.Request, cancellationToken);
        var ifMatch = http.Request.Headers.IfMatch.ToString() is { Length: > 0 } match ? match : null;
        var record = await records.WriteAsync(definition, id, body, ifMatch, Context(http), cancellationToken);
        http.Response.Headers.ETag = record.ETag;
        return TypedResults.Ok(await records.ToJsonAsync(definition, record, null, cancellationToken));
    }

    private static async Task<IResult> DeleteAsync(string model, long id, HttpContext http, RecordService records, CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        var ifMatch = http.Request.Headers.IfMatch.ToString() is { Length: > 0 } match ? match : null;
        await records.DeleteAsync(definition, id, ifMatch, Context(http), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListAsync(string model, HttpContext http, RecordService records, string? domain, string? fields,
        string? order, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var definition = await records.ModelAsync(model, cancellationToken);
        if (!string.IsNullOrWhiteSpace(order) && order.Trim() is not ("id" or "id asc"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["order"] = ["Only 'id' ordering is available yet."] });
        }

        var pageSize = limit ?? DefaultLimit;
        if (pageSize is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be 1 to {MaxLimit}."] });
        }

        var selected = Fields(definition, fields);
        RecordPage page;
        if (string.IsNullOrWhiteSpace(domain))
        {
            page = await records.Store.ListAsync(definition, null, pageSize, cursor, cancellationToken);
        }
        else
        {
            // Odoo text or a JSON array, evaluated for the caller (uid); problems are a 400 keyed "domain".
            Domain parsed;
            try
            {
                parsed = Domain.Parse(domain, new DomainParseOptions { Uid = http.Caller().Uid });
            }
            catch (DomainException e)
            {
                throw new RecordValidationException(new Dictionary<string, string[]> { ["domain"] = [e.Message] });
            }

            page = await records.SearchAsync(definition, parsed, pageSize, cursor, cancellationToken);
        }

        var items = new JsonArray();
        foreach (var record in page.Records)
        {
            items.Add(await records.ToJsonAsync(definition, record, selected, cancellationToken));
        }

        return TypedResults.Ok(new JsonObject { ["records"] = items, ["next_cursor"] = page.NextCursor });
    }

    private static string[]? Fields(Core.Models.ModelDefinition model, string? fields)
    {
        if (string.IsNullOrWhiteSpace(fields))
        {
            return null;
        }

        var names = fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = RecordJson.UnknownFields(model, names);
        return unknown.Count > 0
            ? throw new RecordValidationException(new Dictionary<string, string[]> { ["fields"] = [$"Unknown field(s) on {model.Name}: {string.Join(", ", unknown)}."] })
            : names;
    }

    private static ChangeContext Context(HttpContext http) => ChangeContext.External(http.Caller().Uid);

    /// <summary>The JSON object body, bounded in size and depth, or a 400 naming what is wrong.</summary>
    internal static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new BadHttpRequestException($"The body is larger than {MaxBodyBytes:N0} bytes.", 413);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new BadHttpRequestException($"The body is larger than {MaxBodyBytes:N0} bytes.", 413);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var node = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            return node as JsonObject ?? throw new BadHttpRequestException("The body must be a JSON object of field values.");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"The body is not valid JSON: {e.Message}");
        }
    }
}
