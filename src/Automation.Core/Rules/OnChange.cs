using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Scripting;
using Automation.Scripting.Odoo;

namespace Automation.Core.Rules;

/// <summary>The answer to a form change: the values to put into the form, and a warning to show.</summary>
public sealed record OnChangeResult(JsonObject Value, JsonObject? Warning);

/// <summary>
/// "On UI change" rules (spec §2.6), synchronous: for the active <c>on_change</c> rules of the model that watch the
/// changed field, if the unsaved form record satisfies the apply-on domain, each code action runs with <c>record</c>
/// bound to that form record. Assignments to it change the form (not the database); an <c>action</c> dict's
/// <c>value</c> entries are merged into the answer and its <c>warning</c> replaces the previous one.
/// </summary>
public sealed class OnChange(IRuleStore rules, IModelRegistry models, RecordService records, ScriptEngine scripts, TimeProvider time)
{
    /// <summary>The id the unsaved form record has inside scripts (Odoo's NewId).</summary>
    public const long FormRecordId = -1;

    public async Task<OnChangeResult> RunAsync(ModelDefinition model, JsonObject values, string changed, long uid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(values);
        var parsed = RecordJson.ParseValues(model, values, RecordParseMode.Write);
        if (!parsed.IsValid)
        {
            throw new RecordValidationException(parsed.Errors.ToDictionary());
        }

        var form = new Dictionary<string, object?>(parsed.Values, StringComparer.Ordinal);
        var result = new JsonObject();
        JsonObject? warning = null;
        var source = new RecordStoreDomainSource(records.Store);
        foreach (var rule in (await rules.ActiveForModelAsync(model.Name, cancellationToken))
                     .Where(r => r.Trigger == Triggers.OnChange && r.OnChangeFieldIds.Contains(changed)))
        {
            var current = new RecordData(model.Name, FormRecordId, form);
            if (!string.IsNullOrWhiteSpace(rule.FilterDomain))
            {
                var domain = await DomainCompiler.CompileAsync(model, Domain.Parse(rule.FilterDomain, new DomainParseOptions { Uid = uid }), models,
                    cancellationToken, time);
                if (!await domain.MatchesAsync(current, source, cancellationToken))
                {
                    continue;
                }
            }

            var environment = new PendingRecordEnvironment(new RecordScriptEnvironment(records, models, ChangeContext.External(uid)), model, FormRecordId, form,
                computedOnly: false);
            foreach (var action in rule.Actions.Where(a => a.State == "code"))
            {
                var script = scripts.Compile(action.Text("code") ?? "");
                var run = await ScriptThreads.RunAsync(() => scripts.Execute(script, new ScriptContext
                {
                    Environment = environment,
                    Model = model.Name,
                    RecordIds = [FormRecordId],
                }));
                if (ValueConverter.ToDotNet(run.Action) is IDictionary<string, object?> returned)
                {
                    if (returned.TryGetValue("value", out var v) && v is IDictionary<string, object?> value)
                    {
                        foreach (var (name, item) in value.Where(p => p.Key != "id"))
                        {
                            environment.Assign(name, item);
                        }
                    }

                    if (returned.TryGetValue("warning", out var w) && w is not null)
                    {
                        warning = JsonSerializer.SerializeToNode(w) as JsonObject;
                    }
                }
            }

            foreach (var name in environment.Assigned)
            {
                result[name] = model.Field(name) is { } field ? RecordJson.ValueToJson(field, form.GetValueOrDefault(name)) : null;
            }
        }

        return new OnChangeResult(result, warning);
    }
}
