using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Records;
using Automation.Core.Templates;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.8 Send Email (<c>mail_post</c>) with a <c>mail.template</c> of the record's model. <c>email</c>: the rendered
/// email goes to the template's recipients (<c>email_to</c>, <c>partner_to</c>, <c>email_cc</c>) through the outbox.
/// <c>comment</c> (Message) and <c>note</c>: the rendered body is posted in the record's chatter; the template's partners
/// follow the record first (<c>mail_post_autofollow</c>, default on), and a message (not a note) is emailed to the
/// followers who have an address. Nothing happens without a template, as in Odoo.
/// </summary>
internal static class SendEmailAction
{
    private static readonly string[] TemplateFields = ["subject", "body_html", "email_from", "email_to", "partner_to", "email_cc", "reply_to"];

    public static async Task RunAsync(ActionCall call)
    {
        if (await Messaging.TemplateAsync(call, "template_id", "mail.template") is not { } found)
        {
            return;
        }

        var (template, templateModel) = found;
        var rendered = await call.Runner.RenderAsync(call, template, templateModel, TemplateFields.Where(templateModel.HasField).ToList());
        var method = call.Action.Text("mail_post_method") ?? "comment";
        var subject = rendered.GetValueOrDefault("subject") ?? "";
        var body = rendered.GetValueOrDefault("body_html") ?? "";
        var partnerIds = Messaging.Ids(rendered.GetValueOrDefault("partner_to"));
        if (method == "email")
        {
            var partners = await Messaging.PartnersAsync(call, partnerIds);
            var to = new JsonArray();
            foreach (var address in Messaging.Addresses(rendered.GetValueOrDefault("email_to")))
            {
                to.Add(Messaging.Address(address));
            }

            foreach (var partner in partners.Where(p => !string.IsNullOrWhiteSpace(p.Email)))
            {
                to.Add(Messaging.Address(partner.Email!, partner.Name));
            }

            var cc = new JsonArray(Messaging.Addresses(rendered.GetValueOrDefault("email_cc")).Select(a => (JsonNode)Messaging.Address(a)).ToArray());
            var message = Email(rendered.GetValueOrDefault("email_from"), to, cc, rendered.GetValueOrDefault("reply_to"), subject, body);
            var target = string.Join(", ", to.Concat(cc).Select(a => a!["email"]!.GetValue<string>()));
            var refused = to.Count + cc.Count == 0 ? $"The template '{template["name"]}' gives no recipient for {call.Model.Name} {call.RecordId}." : null;
            await Messaging.EnqueueAsync(call, DeliveryKinds.Email, message, target, refused);
            if (call.Action.Fields["mail_post_autofollow"] is JsonValue follow && follow.TryGetValue<bool>(out var autofollow) && autofollow)
            {
                await FollowersAction.FollowAsync(call, call.Model.Name, call.RecordId, partnerIds);
            }

            return;
        }

        var subtype = method == "note" ? "note" : "comment";
        if (!(call.Action.Fields["mail_post_autofollow"] is JsonValue v && v.TryGetValue<bool>(out var on) && !on))
        {
            await FollowersAction.FollowAsync(call, call.Model.Name, call.RecordId, partnerIds);
        }

        var messageId = await Messaging.PostAsync(call, body, subject.Length > 0 ? subject : null, subtype);
        if (subtype == "note")
        {
            return; // internal: followers are not notified
        }

        await NotifyFollowersAsync(call, subject, body, rendered.GetValueOrDefault("email_from"), rendered.GetValueOrDefault("reply_to"), messageId);
    }

    /// <summary>Emails a chatter message to the record's followers (one delivery each), except its author.</summary>
    internal static async Task NotifyFollowersAsync(ActionCall call, string subject, string body, string? from, string? replyTo, long messageId)
    {
        var author = await Messaging.AuthorAsync(call);
        var followers = await FollowersAction.FollowersOfAsync(call.Runner.Records, call.Model.Name, call.RecordId, call.Cancellation);
        var partners = await Messaging.PartnersAsync(call, followers.Select(f => f.PartnerId).Where(p => p != author));
        if (partners.Count == 0)
        {
            return;
        }

        if (subject.Length == 0 && await call.Runner.ReadAsync(call.Model, call.RecordId, call.Context, call.Cancellation) is { } record)
        {
            subject = RecordJson.DefaultDisplayName(call.Model, record);
        }

        foreach (var partner in partners)
        {
            var refused = string.IsNullOrWhiteSpace(partner.Email) ? $"Follower {partner.Name} (res.partner {partner.Id}) has no email address." : null;
            var to = new JsonArray(Messaging.Address(partner.Email ?? "", partner.Name));
            var message = Email(from, to, [], replyTo, subject, body);
            message["message_id"] = messageId;
            await Messaging.EnqueueAsync(call, DeliveryKinds.Email, message, partner.Email ?? $"res.partner {partner.Id}", refused, "follower", partner.Id);
        }
    }

    internal static JsonObject Email(string? from, JsonArray to, JsonArray cc, string? replyTo, string subject, string html) => new()
    {
        ["from"] = string.IsNullOrWhiteSpace(from) ? null : from,
        ["to"] = to,
        ["cc"] = cc,
        ["reply_to"] = string.IsNullOrWhiteSpace(replyTo) ? null : replyTo,
        ["subject"] = subject,
        ["html"] = html,
        ["text"] = TemplateText.HtmlToText(html),
    };
}
