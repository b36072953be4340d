using System.Text.Json.Nodes;
using Automation.Core.Rules;
using Automation.Functions.Api;
using Automation.Storage.Webhooks;

namespace Automation.Functions.Webhooks;

/// <summary>
/// Gives a rule its webhook URL when it becomes an 'On webhook' rule (created so, or its trigger changed to it) and adds
/// the URL to that response, the only time it is shown besides rotation (API.md). A rule that stops being a webhook
/// rule, or is deleted, loses its URL. Every change reaches this instance's ingress at once.
/// </summary>
public sealed class WebhookRuleHook(WebhookTokens tokens, WebhookDirectory directory, WebhookUrls urls) : IRuleChangeHook
{
    public async Task SavedAsync(AutomationRule? previous, AutomationRule saved, JsonObject response, HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(http);
        if (saved.Trigger == Triggers.OnWebhook)
        {
            if (previous?.Trigger != Triggers.OnWebhook || !await tokens.HasTokenAsync(saved.Id, cancellationToken))
            {
                response["url"] = urls.For(http.Request, await tokens.IssueAsync(saved.Id, cancellationToken));
            }
        }
        else if (previous?.Trigger == Triggers.OnWebhook)
        {
            await tokens.RevokeAsync(saved.Id, cancellationToken);
        }

        directory.Invalidate();
    }

    public async Task DeletedAsync(long ruleId, CancellationToken cancellationToken)
    {
        await tokens.RevokeAsync(ruleId, cancellationToken);
        directory.Invalidate();
    }
}
