using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Functions.Api;

namespace Automation.Functions.Management;

/// <summary>
/// Export and import of the configuration (API.md "Other"): custom models, rules (without secrets), templates and
/// sequences as one JSON document. Import matches what is already there by natural keys (a model by name, a sequence by
/// code, a template by its model and name, a rule by its model and name), so importing the same document twice changes
/// nothing the second time; an item that exists with other content is a conflict, reported and left alone unless the
/// import says <c>on_conflict=replace</c>. References from actions to imported templates and sequences follow their new ids.
/// </summary>
public sealed class StoreTransfer(IModelRegistry models, RecordService records, IRuleStore rules)
{
    public const string Format = "automation-export";

    public const int Version = 1;

    public const int MaxModels = 1_000;

    public const int MaxRules = 5_000;

    public const int MaxRecordsPerKind = 5_000;

    /// <summary>Template models exported and imported, with the action field that refers to each.</summary>
    public static readonly IReadOnlyDictionary<string, string> TemplateModels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["mail.template"] = "template_id",
        ["sms.template"] = "sms_template_id",
        ["whatsapp.template"] = "wa_template_id",
    };

    public const string SequenceModel = "ir.sequence";

    private const string SequenceReference = "sequence_id";

    /// <summary>Record fields that are bookkeeping, not configuration: not compared, not imported.</summary>
    private static readonly string[] Bookkeeping = ["id", "create_date", "write_date"];

    /// <summary>A sequence's counter is its state, not its configuration: it does not make two sequences differ.</summary>
    private const string SequenceCounter = "number_next";

    public async Task<JsonObject> ExportAsync(DateTime now, CancellationToken cancellationToken)
    {
        var custom = (await models.ListAsync(cancellationToken)).Where(m => !m.BuiltIn).OrderBy(m => m.Name, StringComparer.Ordinal);
        var templates = new JsonObject();
        foreach (var name in TemplateModels.Keys)
        {
            templates[name] = await RecordsAsync(name, cancellationToken);
        }

        var ruleList = new JsonArray();
        foreach (var rule in (await rules.ListAsync(cancellationToken)).OrderBy(r => r.Id))
        {
            var json = RuleJson.ToJson(rule); // secrets are write-only: never exported
            json.Remove("last_run");
            var omitted = rule.Extra.Select(p => p.Key).Where(k => k.EndsWith("_secret", StringComparison.Ordinal)).ToList();
            if (omitted.Count > 0)
            {
                json["_secrets_omitted"] = new JsonArray(omitted.Select(k => (JsonNode)k).ToArray());
            }

            ruleList.Add(json);
        }

        return new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["exported_at"] = KeysApi.Timestamp(now),
            ["models"] = new JsonArray(custom.Select(m => (JsonNode)ModelJson.ToJson(m)).ToArray()),
            ["sequences"] = await RecordsAsync(SequenceModel, cancellationToken),
            ["templates"] = templates,
            ["rules"] = ruleList,
        };
    }

    private async Task<JsonArray> RecordsAsync(string modelName, CancellationToken cancellationToken)
    {
        var model = await records.ModelAsync(modelName, cancellationToken);
        var list = new JsonArray();
        string? cursor = null;
        do
        {
            var page = await records.SearchAsync(model, Domain.All, 500, cursor, cancellationToken);
            foreach (var record in page.Records)
            {
                list.Add(await records.ToJsonAsync(model, record, null, cancellationToken));
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null && list.Count < MaxRecordsPerKind);

        return list;
    }

    /// <summary>What an import did (or, dry, would do) with each item.</summary>
    public sealed class Report
    {
        public Dictionary<string, JsonObject> Kinds { get; } = new(StringComparer.Ordinal);

        public JsonArray Conflicts { get; } = [];

        public JsonArray Warnings { get; } = [];

        public void Add(string kind, string outcome, JsonNode item)
        {
            if (!Kinds.TryGetValue(kind, out var outcomes))
            {
                Kinds[kind] = outcomes = new JsonObject { ["created"] = new JsonArray(), ["unchanged"] = new JsonArray(), ["replaced"] = new JsonArray() };
            }

            (outcomes[outcome] as JsonArray)!.Add(item);
        }

        public void Conflict(string kind, string key, string reason) =>
            Conflicts.Add(new JsonObject { ["kind"] = kind, ["key"] = key, ["reason"] = reason });
    }

    /// <summary>A parsed, validated document, ready to apply.</summary>
    public sealed record Plan(
        IReadOnlyList<ModelDefinition> Models,
        IReadOnlyList<JsonObject> Sequences,
        IReadOnlyList<(string Model, JsonObject Record)> Templates,
        IReadOnlyList<JsonObject> Rules,
        IReadOnlySet<string> Code);

    /// <summary>Checks the document's shape and every model; rules are checked in <see cref="ImportAsync"/> once references are known.</summary>
    public static Plan? Parse(JsonObject document, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(errors);
        if (document["format"]?.ToString() != Format || document["version"] is not JsonValue v || !v.TryGetValue<int>(out var version) || version != Version)
        {
            errors.Add("format", $"Not an export of this app: expected \"format\": \"{Format}\" and \"version\": {Version}.");
            return null;
        }

        foreach (var key in document.Select(p => p.Key).Where(k => k is not ("format" or "version" or "exported_at" or "models" or "sequences" or "templates" or "rules")))
        {
            errors.Add(key, "Unknown section; an export has models, sequences, templates and rules.");
        }

        var code = new HashSet<string>(StringComparer.Ordinal);
        var parsedModels = new List<ModelDefinition>();
        var modelList = List(document, "models", MaxModels, errors);
        for (var i = 0; i < modelList.Count; i++)
        {
            var path = $"models.{i.ToString(CultureInfo.InvariantCulture)}";
            var name = (modelList[i] as JsonObject)?["name"]?.ToString();
            if (name is not null && BuiltInModels.IsBuiltIn(name))
            {
                errors.Add(path, $"'{name}' is a built-in model; built-in models are not imported.");
                continue;
            }

            var parsed = ModelJson.Parse(modelList[i]);
            if (!parsed.IsValid)
            {
                foreach (var key in parsed.Errors.Keys)
                {
                    foreach (var message in parsed.Errors[key])
                    {
                        errors.Add($"{path}.{key}", message);
                    }
                }

                continue;
            }

            parsedModels.Add(parsed.Model!);
            code.UnionWith(CodeWrites.InModel(parsed.Model));
        }

        if (parsedModels.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors.Add("models", $"Model '{twice.Key}' appears twice.");
        }

        var sequences = List(document, "sequences", MaxRecordsPerKind, errors).Select((n, i) => Record(n, $"sequences.{i}", errors)).OfType<JsonObject>().ToList();
        var templates = new List<(string, JsonObject)>();
        var templateSection = document["templates"];
        if (templateSection is not null and not JsonObject)
        {
            errors.Add("templates", "Expected an object of template lists by model (mail.template, sms.template, whatsapp.template).");
        }
        else if (templateSection is JsonObject byModel)
        {
            foreach (var (model, list) in byModel)
            {
                if (!TemplateModels.ContainsKey(model))
                {
                    errors.Add($"templates.{model}", $"Unknown template model; use {string.Join(", ", TemplateModels.Keys)}.");
                    continue;
                }

                var items = list as JsonArray;
                if (items is null || items.Count > MaxRecordsPerKind)
                {
                    errors.Add($"templates.{model}", $"Expected a list of at most {MaxRecordsPerKind} templates.");
                    continue;
                }

                templates.AddRange(items.Select((n, i) => Record(n, $"templates.{model}.{i}", errors)).OfType<JsonObject>().Select(r => (model, r)));
            }
        }

        var ruleList = List(document, "rules", MaxRules, errors);
        var parsedRules = new List<JsonObject>();
        for (var i = 0; i < ruleList.Count; i++)
        {
            if (ruleList[i] is not JsonObject rule)
            {
                errors.Add($"rules.{i.ToString(CultureInfo.InvariantCulture)}", "Expected a rule object.");
                continue;
            }

            parsedRules.Add(rule);
            var ruleErrors = new FieldErrors();
            code.UnionWith(CodeWrites.InRule(RuleJson.Parse(WithoutNotes(rule), ruleErrors)));
            foreach (var key in ruleErrors.Keys)
            {
                foreach (var message in ruleErrors[key])
                {
                    errors.Add($"rules.{i.ToString(CultureInfo.InvariantCulture)}.{key}", message);
                }
            }
        }

        return errors.IsEmpty ? new Plan(parsedModels, sequences, templates, parsedRules, code) : null;
    }

    /// <summary>
    /// Applies a plan. Everything is validated before the first write; a write that fails half-way leaves what was written,
    /// and importing the document again completes it.
    /// </summary>
    public async Task<(Report? Report, FieldErrors Errors)> ImportAsync(Plan plan, bool replace, bool dryRun, long uid, HttpContext http,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new FieldErrors();
        var report = new Report();
        var existingModels = (await models.ListAsync(cancellationToken)).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var union = new Dictionary<string, ModelDefinition>(existingModels, StringComparer.Ordinal);
        foreach (var model in plan.Models)
        {
            union[model.Name] = model;
        }

        foreach (var model in plan.Models)
        {
            var modelErrors = ModelValidator.Validate(model, name => union.GetValueOrDefault(name));
            foreach (var key in modelErrors.Keys)
            {
                foreach (var message in modelErrors[key])
                {
                    errors.Add($"models.{model.Name}.{key}", message);
                }
            }
        }

        // Rules: references to the document's templates and sequences are remapped once those are matched or created,
        // so rules are checked against a provisional mapping (any id will do for validation) first.
        var ruleKeys = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var existingRules = (await rules.ListAsync(cancellationToken)).ToList();
        for (var i = 0; i < plan.Rules.Count; i++)
        {
            var body = WithoutNotes(plan.Rules[i]);
            var ruleErrors = new FieldErrors();
            var parsed = RuleJson.Parse(body, ruleErrors);
            if (parsed is not null)
            {
                var model = union.GetValueOrDefault(parsed.Model);
                ruleErrors = RuleValidator.Validate(model is null ? parsed : RuleDefaults.Apply(parsed, model), model, name => union.GetValueOrDefault(name));
            }

            foreach (var key in ruleErrors.Keys)
            {
                foreach (var message in ruleErrors[key])
                {
                    errors.Add($"rules.{i.ToString(CultureInfo.InvariantCulture)}.{key}", message);
                }
            }

            var natural = $"{parsed?.Model}/{parsed?.Name}";
            seen[natural] = seen.GetValueOrDefault(natural) + 1;
            ruleKeys.Add(seen[natural] == 1 ? natural : $"{natural}#{seen[natural].ToString(CultureInfo.InvariantCulture)}");
        }

        // Sequences and templates: their values must make valid records.
        var recordItems = plan.Sequences.Select((r, i) => (Model: SequenceModel, Record: r, Path: $"sequences.{i.ToString(CultureInfo.InvariantCulture)}"))
            .Concat(plan.Templates.Select((t, i) => (t.Model, t.Record, Path: $"templates.{t.Model}.{i.ToString(CultureInfo.InvariantCulture)}")));
        foreach (var (modelName, record, path) in recordItems)
        {
            var parsed = RecordJson.ParseValues(await records.ModelAsync(modelName, cancellationToken),
                Values(record, await records.ModelAsync(modelName, cancellationToken), keepCounter: true), RecordParseMode.Create);
            foreach (var key in parsed.Errors.Keys)
            {
                foreach (var message in parsed.Errors[key])
                {
                    errors.Add($"{path}.{key}", message);
                }
            }
        }

        if (!errors.IsEmpty)
        {
            return (null, errors);
        }

        var context = ChangeContext.External(uid);

        // Models.
        foreach (var model in plan.Models)
        {
            var item = (JsonNode)model.Name;
            if (existingModels.TryGetValue(model.Name, out var existing))
            {
                if (ModelJson.ToJson(existing).ToJsonString() == ModelJson.ToJson(model).ToJsonString())
                {
                    report.Add("models", "unchanged", item);
                    continue;
                }

                if (!replace)
                {
                    report.Conflict("model", model.Name, "A model of this name exists with other fields.");
                    continue;
                }

                report.Add("models", "replaced", item);
            }
            else
            {
                report.Add("models", "created", item);
            }

            if (!dryRun)
            {
                await models.SaveAsync(model, cancellationToken);
            }
        }

        // Sequences and templates: matched by natural key; their new ids are what rules' actions must refer to.
        var idMap = new Dictionary<(string Model, long Id), long>();
        await ImportRecordsAsync(SequenceModel, plan.Sequences, r => Text(r, "code") is { Length: > 0 } c ? "code=" + c : "name=" + Text(r, "name"),
            "sequences", report, idMap, replace, dryRun, context, cancellationToken);
        foreach (var group in plan.Templates.GroupBy(t => t.Model, StringComparer.Ordinal))
        {
            await ImportRecordsAsync(group.Key, group.Select(t => t.Record).ToList(), r => $"{Text(r, "model")}/{Text(r, "name")}", "templates",
                report, idMap, replace, dryRun, context, cancellationToken);
        }

        // Rules.
        var taken = new HashSet<long>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Rules.Count; i++)
        {
            var source = plan.Rules[i];
            var body = Remap(WithoutNotes(source), idMap);
            var parsed = RuleJson.Parse(body, new FieldErrors())!;
            var model = union[parsed.Model];
            var rule = RuleDefaults.Apply(parsed, model);
            var natural = $"{rule.Model}/{rule.Name}";
            counts[natural] = counts.GetValueOrDefault(natural) + 1;
            var existing = existingRules.Where(r => r.Model == rule.Model && r.Name == rule.Name).OrderBy(r => r.Id).Skip(counts[natural] - 1).FirstOrDefault();
            var item = new JsonObject { ["name"] = rule.Name, ["model"] = rule.Model, ["source_id"] = source["id"]?.DeepClone() };
            foreach (var note in (source["_secrets_omitted"] as JsonArray ?? []).Select(n => n?.ToString()))
            {
                report.Warnings.Add($"Rule '{rule.Name}' ({rule.Model}): {note} is never exported; set it again on the imported rule.");
            }

            if (existing is not null)
            {
                taken.Add(existing.Id);
                item["id"] = existing.Id;
                if (Comparable(existing) == Comparable(rule with { Id = existing.Id, LastRun = existing.LastRun }))
                {
                    report.Add("rules", "unchanged", item);
                    continue;
                }

                if (!replace)
                {
                    report.Conflict("rule", ruleKeys[i], $"Rule {existing.Id} has this model and name but other content.");
                    continue;
                }

                report.Add("rules", "replaced", item);
                if (!dryRun)
                {
                    var kept = rule with { Id = existing.Id, LastRun = existing.LastRun, Extra = KeepSecrets(rule.Extra, existing.Extra) };
                    await SavedAsync(existing, await rules.StoreAsync(kept, cancellationToken), item, http, cancellationToken);
                }

                continue;
            }

            report.Add("rules", "created", item);
            if (!dryRun)
            {
                var saved = await rules.StoreAsync(rule, cancellationToken);
                item["id"] = saved.Id;
                await SavedAsync(null, saved, item, http, cancellationToken); // a webhook rule gets its new URL here
            }
        }

        await rules.ChangesVisibleAsync(cancellationToken); // once for the whole import, not once per rule
        return (report, errors);
    }

    private async Task ImportRecordsAsync(string modelName, IReadOnlyList<JsonObject> items, Func<JsonObject, string> keyOf, string kind, Report report,
        Dictionary<(string, long), long> idMap, bool replace, bool dryRun, ChangeContext context, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var model = await records.ModelAsync(modelName, cancellationToken);
        var existing = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var record in await RecordsAsync(modelName, cancellationToken))
        {
            existing.TryAdd(keyOf(record!.AsObject()), record.AsObject());
        }

        foreach (var item in items)
        {
            var key = keyOf(item);
            var sourceId = item["id"] is JsonValue v && v.TryGetValue<long>(out var id) ? id : (long?)null;
            var values = Values(item, model, keepCounter: true);
            var entry = new JsonObject { ["model"] = modelName, ["key"] = key, ["source_id"] = sourceId };
            if (existing.TryGetValue(key, out var found))
            {
                var foundId = found["id"]!.GetValue<long>();
                entry["id"] = foundId;
                if (sourceId is { } s)
                {
                    idMap[(modelName, s)] = foundId;
                }

                if (Values(found, model, keepCounter: false).ToJsonString() == Values(item, model, keepCounter: false).ToJsonString())
                {
                    report.Add(kind, "unchanged", entry);
                    continue;
                }

                if (!replace)
                {
                    report.Conflict(modelName, key, $"{modelName} {foundId} has this key but other values; rules refer to it as it is.");
                    continue;
                }

                report.Add(kind, "replaced", entry);
                if (!dryRun)
                {
                    values.Remove(SequenceCounter); // replacing a sequence's settings does not rewind its numbering
                    await records.WriteAsync(model, foundId, values, null, context, cancellationToken);
                }

                continue;
            }

            report.Add(kind, "created", entry);
            if (!dryRun)
            {
                var created = await records.CreateAsync(model, values, context, cancellationToken);
                entry["id"] = created.Id;
                if (sourceId is { } s)
                {
                    idMap[(modelName, s)] = created.Id;
                }
            }
        }
    }

    /// <summary>The record's configuration: its model's stored fields, without bookkeeping (and, to compare, without a sequence's counter).</summary>
    private static JsonObject Values(JsonObject record, ModelDefinition model, bool keepCounter)
    {
        var values = new JsonObject();
        foreach (var field in model.Fields.Where(f => !f.IsComputed && f.Type != FieldType.One2many).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (Bookkeeping.Contains(field.Name) || (!keepCounter && field.Name == SequenceCounter) || !record.ContainsKey(field.Name))
            {
                continue;
            }

            values[field.Name] = record[field.Name]?.DeepClone();
        }

        return values;
    }

    /// <summary>Points the actions' template and sequence references at the ids they have here.</summary>
    private static JsonObject Remap(JsonObject rule, Dictionary<(string, long), long> idMap)
    {
        if (rule["action_server_ids"] is JsonArray actions)
        {
            foreach (var action in actions)
            {
                RemapAction(action, idMap, 0);
            }
        }

        return rule;
    }

    private static void RemapAction(JsonNode? action, Dictionary<(string, long), long> idMap, int depth)
    {
        if (action is not JsonObject obj || depth > 16)
        {
            return;
        }

        foreach (var (model, field) in TemplateModels.Append(new KeyValuePair<string, string>(SequenceModel, SequenceReference)))
        {
            if (obj[field] is JsonValue v && v.TryGetValue<long>(out var id) && idMap.TryGetValue((model, id), out var mapped))
            {
                obj[field] = mapped;
            }
        }

        foreach (var child in obj["child_ids"] as JsonArray ?? [])
        {
            RemapAction(child, idMap, depth + 1);
        }
    }

    private static async Task SavedAsync(AutomationRule? previous, AutomationRule saved, JsonObject item, HttpContext http, CancellationToken cancellationToken)
    {
        var response = RuleJson.ToJson(saved);
        foreach (var hook in http.RequestServices.GetServices<IRuleChangeHook>())
        {
            await hook.SavedAsync(previous, saved, response, http, cancellationToken);
        }

        if (response["url"] is { } url)
        {
            item["url"] = url.DeepClone();
        }
    }

    /// <summary>A rule as export shows it: no id, no last run, no secrets.</summary>
    private static string Comparable(AutomationRule rule)
    {
        var json = RuleJson.ToJson(rule);
        json.Remove("id");
        json.Remove("last_run");
        return json.ToJsonString();
    }

    /// <summary>Secrets are never in a document: replacing a rule keeps the ones it has.</summary>
    private static JsonObject KeepSecrets(JsonObject imported, JsonObject existing)
    {
        var merged = (JsonObject)imported.DeepClone();
        foreach (var (key, value) in existing.Where(p => p.Key.EndsWith("_secret", StringComparison.Ordinal)))
        {
            merged[key] = value?.DeepClone();
        }

        return merged;
    }

    /// <summary>The rule without the export's notes (<c>_secrets_omitted</c>) and output-only fields.</summary>
    private static JsonObject WithoutNotes(JsonObject rule)
    {
        var copy = (JsonObject)rule.DeepClone();
        foreach (var key in copy.Select(p => p.Key).Where(k => k.StartsWith('_') || k is "url" or "last_run").ToList())
        {
            copy.Remove(key);
        }

        return copy;
    }

    private static JsonArray List(JsonObject document, string section, int max, FieldErrors errors)
    {
        switch (document[section])
        {
            case null:
                return [];
            case JsonArray array when array.Count <= max:
                return array;
            default:
                errors.Add(section, $"Expected a list of at most {max.ToString("N0", CultureInfo.InvariantCulture)} items.");
                return [];
        }
    }

    private static JsonObject? Record(JsonNode? node, string path, FieldErrors errors)
    {
        if (node is JsonObject record)
        {
            return record;
        }

        errors.Add(path, "Expected a record object.");
        return null;
    }

    private static string? Text(JsonObject record, string field) => record[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
