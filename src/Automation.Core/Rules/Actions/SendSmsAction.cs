using System.Text.Json.Nodes;
using Automation.Core.Deliveries;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.13 Send SMS (<c>sms</c>) with an <c>sms.template</c>: the rendered text goes to the record's mobile or phone
/// (or its contact's) through the outbox. <c>sms_method</c> <c>sms</c> only sends; <c>comment</c> ("SMS (with note)")
/// and <c>note</c> ("Note only") also log the text as a note in the chatter, the SMS being sent as Odoo's source does.
/// </summary>
internal static class SendSmsAction
{
    public static async Task RunAsync(ActionCall call)
    {
        if (await Messaging.TemplateAsync(call, "sms_template_id", "sms.template") is not { } found)
        {
            return;
        }

        var (template, model) = found;
        var text = (await call.Runner.RenderAsync(call, template, model, ["body"]))["body"];
        var phone = await Messaging.PhoneAsync(call, null);
        var refused = phone is null ? $"{call.Model.Name} {call.RecordId} has no mobile or phone number to text." : null;
        await Messaging.EnqueueAsync(call, DeliveryKinds.Sms, new JsonObject { ["to"] = phone, ["body"] = text }, phone ?? "(no number)", refused);
        if ((call.Action.Text("sms_method") ?? "sms") != "sms")
        {
            await Messaging.PostAsync(call, Messaging.HtmlParagraph(text), "SMS", "note");
        }
    }
}
