using System.Globalization;
using Automation.Core.Time;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Time;

/// <summary>
/// Writes a rule's <c>last_run</c> onto its entity in the rules table as the property <c>LastRun</c> (ticks), merged so the
/// rule's JSON is untouched and no version is bumped (rule caches stay valid); <see cref="TableRuleStore"/> reads it
/// back. The time rule states stay the authority: this is what the rules API shows.
/// </summary>
public sealed class TableRuleLastRun(TableClient rulesTable) : IRuleLastRunMirror
{
    public async Task SetLastRunAsync(long ruleId, DateTime? lastRun, CancellationToken cancellationToken)
    {
        var entity = new TableEntity("rule", ruleId.ToString("D12", CultureInfo.InvariantCulture)) { [TableRuleStore.LastRunProperty] = lastRun?.Ticks };
        try
        {
            await rulesTable.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The rule was deleted meanwhile.
        }
    }
}
