using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Rules;

/// <summary>
/// Whether a rule applies to a change event (spec §2.1–§2.3): trigger fields that really changed (writes only), the
/// before-update domain on the before-image (writes only), the apply-on domain on the record as it is now. Domains are
/// compiled once per (model version, text, user) and reused, unless their text reads the clock (<c>time</c>,
/// <c>context_today()</c>, relative dates…), which is evaluated afresh each time, as Odoo does.
/// </summary>
public sealed partial class RuleMatcher(IModelRegistry models, TimeProvider time)
{
    /// <summary>Compiled domains kept at most; past this the cache starts over (model versions leave old entries behind).</summary>
    public const int MaxCachedDomains = 10_000;

    private readonly ConcurrentDictionary<(ModelDefinition Model, string Text, long Uid), CompiledDomain> _compiled = new();

    /// <summary>The trigger-field and before-update checks of a write, which do not depend on what earlier rules did.</summary>
    public async Task<bool> PassesBeforeAsync(AutomationRule rule, ModelDefinition model, ChangeEvent change, RecordData? before,
        IDomainRecordSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind != ChangeKind.Write)
        {
            return true;
        }

        if (rule.TriggerFieldIds.Count > 0 && !rule.TriggerFieldIds.Any(change.Changed.Contains))
        {
            return false;
        }

        return await MatchesAsync(rule.FilterPreDomain, model, before, change.Actor.Uid, source, cancellationToken);
    }

    /// <summary>The apply-on domain on <paramref name="image"/> (no domain: every record; no record: no match).</summary>
    public Task<bool> AppliesAsync(AutomationRule rule, ModelDefinition model, RecordData? image, long uid, IDomainRecordSource source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return MatchesAsync(rule.FilterDomain, model, image, uid, source, cancellationToken);
    }

    public async Task<bool> MatchesAsync(string? domain, ModelDefinition model, RecordData? image, long uid, IDomainRecordSource source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(domain))
        {
            return true;
        }

        if (image is null)
        {
            return false;
        }

        var compiled = await CompileAsync(model, domain, uid, cancellationToken);
        return await compiled.MatchesAsync(image, source, cancellationToken);
    }

    /// <summary>A record image as the matcher reads it (null stays null).</summary>
    public static RecordData? Image(ModelDefinition model, JsonObject? json) => json is null ? null : RecordImages.FromJson(model, json);

    private async ValueTask<CompiledDomain> CompileAsync(ModelDefinition model, string domain, long uid, CancellationToken cancellationToken)
    {
        var key = (model, domain, uid);
        if (_compiled.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var compiled = await DomainCompiler.CompileAsync(model, Domain.Parse(domain, new DomainParseOptions { Uid = uid }), models, cancellationToken, time);
        if (!ReadsTheClock().IsMatch(domain))
        {
            if (_compiled.Count >= MaxCachedDomains)
            {
                _compiled.Clear();
            }

            _compiled[key] = compiled;
        }

        return compiled;
    }

    /// <summary>Names and value forms whose meaning changes with the time of evaluation.</summary>
    [GeneratedRegex(@"time|date|now|today|delta|[+-]\s*\d+\s*[a-zA-Z]\b", RegexOptions.CultureInvariant)]
    private static partial Regex ReadsTheClock();
}
