using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Rules.Actions;

/// <summary>What the message-sending actions share: templates, chatter posts, recipients' addresses and numbers.</summary>
internal static class Messaging
{
    /// <summary>The template record an action names in <paramref name="field"/>, with its model; null when none is set.</summary>
    public static async Task<(RecordData Template, ModelDefinition Model)?> TemplateAsync(ActionCall call, string field, string templateModel)
    {
        if (ActionRunner.IdOf(call.Action, field) is not { } id)
        {
            return null;
        }

        var model = await call.Runner.ModelAsync(templateModel, call.Cancellation);
        var template = await call.Runner.Records.Store.FindAsync(model, id, call.Cancellation)
                       ?? throw new ActionFailedException($"The {templateModel} {id} this action uses does not exist.");
        if (template["model"] is string forModel && forModel.Length > 0 && forModel != call.Model.Name)
        {
            throw new ActionFailedException($"The {templateModel} '{template["name"]}' is for {forModel} records, not {call.Model.Name}.");
        }

        return (template, model);
    }

    /// <summary>Posts a message in the record's chatter (a <c>mail.message</c> with model/res_id), as the acting user's contact.</summary>
    public static async Task<long> PostAsync(ActionCall call, string body, string? subject, string subtype)
    {
        var messages = await call.Runner.ModelAsync("mail.message", call.Cancellation);
        var message = new JsonObject
        {
            ["model"] = call.Model.Name,
            ["res_id"] = call.RecordId,
            ["body"] = body,
            ["subject"] = subject,
            ["message_type"] = "auto_comment",
            ["subtype"] = subtype,
            ["author_id"] = await AuthorAsync(call),
            ["date"] = RecordJson.FormatDateTime(call.Runner.Services.Time.GetUtcNow().UtcDateTime),
        };
        return (await call.Runner.Records.CreateAsync(messages, message, call.Change, call.Cancellation)).Id;
    }

    /// <summary>The contact of the user the action runs as, if any.</summary>
    public static async Task<long?> AuthorAsync(ActionCall call)
    {
        var users = await call.Runner.Models.FindAsync("res.users", call.Cancellation);
        return users is not null && await call.Runner.Records.Store.FindAsync(users, call.Change.Actor.Uid, call.Cancellation) is { } user
            ? user["partner_id"] as long?
            : null;
    }

    /// <summary>Contacts (id, name, email) by id, in order; missing ids skipped.</summary>
    public static async Task<IReadOnlyList<(long Id, string? Name, string? Email, string? Phone)>> PartnersAsync(ActionCall call, IEnumerable<long> ids)
    {
        var partners = await call.Runner.ModelAsync("res.partner", call.Cancellation);
        return (await call.Runner.Records.Store.FindManyAsync(partners, ids.Distinct().ToList(), call.Cancellation))
            .Select(p => (p.Id, p["name"] as string, p["email"] as string, (p["mobile"] as string) is { Length: > 0 } m ? m : p["phone"] as string))
            .ToList();
    }

    /// <summary>Partner ids in rendered text: "3,5, 8".</summary>
    public static IReadOnlyList<long> Ids(string? text) =>
        (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0).Distinct().ToList();

    /// <summary>Email addresses in rendered text: "a@x.com, Name &lt;b@y.com&gt;".</summary>
    public static IReadOnlyList<string> Addresses(string? text) =>
        (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(a => a.Contains('@', StringComparison.Ordinal))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static JsonObject Address(string email, string? name = null) => new() { ["email"] = email, ["name"] = name };

    /// <summary>
    /// The number to text for a record (spec §5.13; Odoo's phone fields): the template's field path if given, else the
    /// record's <c>mobile</c> or <c>phone</c>, else those of its <c>partner_id</c>.
    /// </summary>
    public static async Task<string?> PhoneAsync(ActionCall call, string? path)
    {
        var runner = call.Runner;
        if (path is { Length: > 0 })
        {
            var segments = path.Split('.');
            var (model, ids) = await runner.FollowAsync(call.Model, [call.RecordId], segments[..^1], call.Context, call.Cancellation);
            var records = await runner.ReadManyAsync(model, ids, call.Context, call.Cancellation);
            return records.Select(r => r[segments[^1]] as string).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
        }

        var record = await runner.ReadAsync(call.Model, call.RecordId, call.Context, call.Cancellation);
        foreach (var field in new[] { "mobile", "phone" })
        {
            if (record?[field] is string { Length: > 0 } number)
            {
                return number;
            }
        }

        if (call.Model.Field("partner_id") is { Relation: "res.partner" } && record?["partner_id"] is long partner)
        {
            return (await PartnersAsync(call, [partner])).Select(p => p.Phone).FirstOrDefault(p => !string.IsNullOrWhiteSpace(p));
        }

        return null;
    }

    public static string HtmlParagraph(string text) => "<p>" + Templates.TemplateText.Escape(text).Replace("\n", "<br/>", StringComparison.Ordinal) + "</p>";

    public static Task<string> EnqueueAsync(ActionCall call, string kind, JsonObject message, string target, string? refused, params object?[] key) =>
        call.Runner.Outbox.EnqueueAsync(new DeliveryRequest
        {
            Kind = kind,
            IdempotencyKey = ActionRunner.DeliveryKey(call, kind, key),
            Message = message,
            Target = target,
            RuleId = ActionRunner.RuleIdOf(call),
            ActionName = call.Action.Name,
            Model = call.Model.Name,
            RecordId = call.RecordId,
            RefusedBecause = refused,
        }, call.Cancellation);
}
