using System.Text.Json.Nodes;
using Automation.Core.Deliveries;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.13 Send WhatsApp (<c>whatsapp</c>) with a <c>whatsapp.template</c>: the rendered body goes to the number in
/// the template's <c>phone_field</c> (a field path; default: the record's mobile or phone, or its contact's) through the
/// outbox, and is logged in the chatter as Odoo's composer does.
/// </summary>
internal static class SendWhatsAppAction
{
    public static async Task RunAsync(ActionCall call)
    {
        if (await Messaging.TemplateAsync(call, "wa_template_id", "whatsapp.template") is not { } found)
        {
            return;
        }

        var (template, model) = found;
        var text = (await call.Runner.RenderAsync(call, template, model, ["body"]))["body"];
        var phone = await Messaging.PhoneAsync(call, template["phone_field"] as string);
        var refused = phone is null ? $"{call.Model.Name} {call.RecordId} has no phone number for WhatsApp." : null;
        var message = new JsonObject { ["to"] = phone, ["body"] = text, ["template"] = template["name"] as string };
        await Messaging.EnqueueAsync(call, DeliveryKinds.WhatsApp, message, phone ?? "(no number)", refused);
        await Messaging.PostAsync(call, Messaging.HtmlParagraph(text), "WhatsApp", "note");
    }
}
