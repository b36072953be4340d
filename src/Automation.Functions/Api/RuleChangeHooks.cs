using System.Text.Json.Nodes;
using Automation.Core.Rules;

namespace Automation.Functions.Api;

/// <summary>
/// Told of every rule the rules API saves or deletes, after the store has it (spec §1.5 "side effects of saving a
/// rule"). A hook may add to the response: the webhook URL, shown only when a rule becomes an 'On webhook' rule.
/// </summary>
public interface IRuleChangeHook
{
    Task SavedAsync(AutomationRule? previous, AutomationRule saved, JsonObject response, HttpContext http, CancellationToken cancellationToken);

    Task DeletedAsync(long ruleId, CancellationToken cancellationToken);
}
