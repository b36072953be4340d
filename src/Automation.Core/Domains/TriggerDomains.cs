using System.Globalization;
using System.Text.RegularExpressions;
using Automation.Core.Models;

namespace Automation.Core.Domains;

/// <summary>What a "values updated" trigger sets on its rule (spec §1.3): watched fields and both domains as Odoo text.</summary>
public sealed record TriggerDomainSet(IReadOnlyList<string> TriggerFields, string FilterDomain, string FilterPreDomain);

/// <summary>
/// The auto-generated domains of the "values updated" triggers (spec §1.3) and the trigger-field maintenance of
/// <c>on_create_or_write</c> / <c>on_change</c> (Odoo's <c>_onchange_domain</c>).
/// </summary>
public static partial class TriggerDomains
{
    /// <summary>The field names each trigger looks for, first match wins (spec §1.2).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> FieldNames = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["on_stage_set"] = ["stage_id", "x_studio_stage_id"],
        ["on_user_set"] = ["user_id", "user_ids", "x_studio_user_id", "x_studio_user_ids"],
        ["on_tag_set"] = ["tag_ids", "x_studio_tag_ids"],
        ["on_state_set"] = ["state", "x_studio_state"],
        ["on_priority_set"] = ["priority", "x_studio_priority"],
        ["on_archive"] = ["active", "x_active"],
        ["on_unarchive"] = ["active", "x_active"],
    };

    /// <summary>The trigger's field on <paramref name="model"/>: the first of its names the model has, or null.</summary>
    public static FieldDefinition? TriggerField(ModelDefinition model, string trigger)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FieldNames.TryGetValue(trigger, out var names) ? names.Select(model.Field).FirstOrDefault(f => f is not null) : null;
    }

    /// <summary>
    /// The fields and domains a "values updated" trigger generates; <paramref name="value"/> is the selected state or
    /// priority key, <paramref name="reference"/> the stage or tag id. Null for triggers that generate nothing
    /// (their domains reset to empty and stay user-defined) or when the model lacks the trigger's field.
    /// </summary>
    public static TriggerDomainSet? For(ModelDefinition model, string trigger, string? value = null, long? reference = null)
    {
        var field = TriggerField(model, trigger);
        if (field is null)
        {
            return null;
        }

        var name = DomainText.Repr(field.Name);
        var id = reference?.ToString(CultureInfo.InvariantCulture);
        var (domain, pre) = trigger switch
        {
            "on_stage_set" => (id is null ? "" : $"[({name}, '=', {id})]", ""),
            "on_tag_set" => id is null ? ("", "") : ($"[({name}, 'in', [{id}])]", $"[({name}, 'not in', [{id}])]"),
            "on_state_set" or "on_priority_set" => (string.IsNullOrEmpty(value) ? "" : $"[({name}, '=', {DomainText.Repr(value)})]", ""),
            "on_user_set" => ($"[({name}, '!=', False)]", ""),
            "on_archive" => ($"[({name}, '=', False)]", ""),
            _ => ($"[({name}, '=', True)]", ""),
        };
        return new TriggerDomainSet([field.Name], domain, pre);
    }

    [GeneratedRegex("""[\(\[]\s*(?<q>['"])(?<field>[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_.]*)?\k<q>\s*,""", RegexOptions.CultureInvariant)]
    private static partial Regex Triple();

    /// <summary>The first path segment of every <c>('field…', op, value)</c> triple in domain text that is a field of the model (spec §1.3).</summary>
    public static IReadOnlyList<string> FieldsInText(ModelDefinition model, string? domain)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrEmpty(domain) || domain.Length > DomainParser.MaxTextLength)
        {
            return [];
        }

        return Triple().Matches(domain).Select(m => m.Groups["field"].Value).Where(model.HasField).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Odoo's <c>_onchange_domain</c>: fields named in the new domain but not the previous one are added to the watched
    /// fields, fields that disappeared are removed, fields added by hand are kept.
    /// </summary>
    public static IReadOnlyList<string> MaintainTriggerFields(ModelDefinition model, string? previousDomain, string? newDomain,
        IReadOnlyList<string> currentFields)
    {
        ArgumentNullException.ThrowIfNull(currentFields);
        var before = FieldsInText(model, previousDomain);
        var after = FieldsInText(model, newDomain);
        var result = currentFields.Where(f => after.Contains(f) || !before.Contains(f)).ToList();
        result.AddRange(after.Where(f => !result.Contains(f)));
        return result;
    }
}
