using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Records;

namespace Automation.Core.Rules;

/// <summary>The rule JSON of API.md "Rules" (Odoo's field names), with actions inline.</summary>
public static class RuleJson
{
    public const int MaxActions = 100;

    private static readonly HashSet<string> RuleKeys = new(StringComparer.Ordinal)
    {
        "id", "name", "model", "active", "trigger", "trigger_field_ids", "trg_selection_field_id", "trg_field_ref", "filter_pre_domain",
        "filter_domain", "trg_date_id", "trg_date_range", "trg_date_range_type", "trg_date_range_mode", "trg_date_calendar_id",
        "on_change_field_ids", "record_getter", "log_webhook_calls", "last_run", "description", "action_server_ids", "url",
    };

    private static readonly HashSet<string> ActionCommonKeys = new(StringComparer.Ordinal) { "id", "name", "sequence", "state" };

    /// <summary>Parses a rule body; <paramref name="errors"/> is keyed by field (actions as <c>action_server_ids.0.code</c>).</summary>
    public static AutomationRule? Parse(JsonObject body, FieldErrors errors, long id = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(errors);
        var extra = new JsonObject();
        foreach (var (key, value) in body)
        {
            if (!RuleKeys.Contains(key))
            {
                if (key.StartsWith("webhook_", StringComparison.Ordinal) || key == Time.TimeRuleSpec.RetroactiveKey)
                {
                    extra[key] = value?.DeepClone();
                }
                else
                {
                    errors.Add(key, $"Unknown rule field '{key}'.");
                }
            }
        }

        var name = Str(body, "name", errors);
        var model = Str(body, "model", errors);
        var trigger = Str(body, "trigger", errors);
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("name", "A rule needs a name.");
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            errors.Add("model", "A rule needs a model.");
        }

        if (string.IsNullOrWhiteSpace(trigger))
        {
            errors.Add("trigger", "A rule needs a trigger.");
        }
        else if (!Triggers.All.Contains(trigger))
        {
            errors.Add("trigger", $"Unknown trigger '{trigger}'. Use one of: {string.Join(", ", Triggers.All.Order(StringComparer.Ordinal))}.");
        }

        var actions = new List<ServerAction>();
        if (body["action_server_ids"] is { } list)
        {
            if (list is not JsonArray array)
            {
                errors.Add("action_server_ids", "Expected a list of actions.");
            }
            else if (array.Count > MaxActions)
            {
                errors.Add("action_server_ids", $"A rule holds at most {MaxActions} actions.");
            }
            else
            {
                var tree = new ActionTree(errors);
                var top = new List<ActionTree.Node>();
                for (var i = 0; i < array.Count; i++)
                {
                    if (tree.Parse(array[i], $"action_server_ids.{i.ToString(CultureInfo.InvariantCulture)}", 0, topLevel: true) is { } node)
                    {
                        top.Add(node);
                    }
                }

                if (errors.IsEmpty)
                {
                    actions.AddRange(tree.Resolve(top));
                }
            }
        }

        if (!errors.IsEmpty)
        {
            return null;
        }

        return new AutomationRule
        {
            Id = id,
            Name = name!,
            Model = model!,
            Trigger = trigger!,
            Active = Bool(body, "active", true, errors),
            TriggerFieldIds = Names(body, "trigger_field_ids", errors),
            TrgSelectionFieldId = Str(body, "trg_selection_field_id", errors),
            TrgFieldRef = Long(body, "trg_field_ref", errors),
            FilterPreDomain = DomainText(body, "filter_pre_domain", errors),
            FilterDomain = DomainText(body, "filter_domain", errors),
            TrgDateId = Str(body, "trg_date_id", errors),
            TrgDateRange = (int)(Long(body, "trg_date_range", errors) ?? 0),
            TrgDateRangeType = Str(body, "trg_date_range_type", errors),
            TrgDateRangeMode = Str(body, "trg_date_range_mode", errors),
            TrgDateCalendarId = Long(body, "trg_date_calendar_id", errors),
            OnChangeFieldIds = Names(body, "on_change_field_ids", errors),
            RecordGetter = Str(body, "record_getter", errors),
            LogWebhookCalls = Bool(body, "log_webhook_calls", false, errors),
            Description = Str(body, "description", errors),
            Actions = actions.OrderBy(a => a.Sequence).ThenBy(a => a.Name, StringComparer.Ordinal).ToList(),
            Extra = extra,
        };
    }

    public static JsonObject ToJson(AutomationRule rule, bool includeSecrets = false)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var json = new JsonObject
        {
            ["id"] = rule.Id,
            ["name"] = rule.Name,
            ["model"] = rule.Model,
            ["active"] = rule.Active,
            ["trigger"] = rule.Trigger,
            ["trigger_field_ids"] = new JsonArray(rule.TriggerFieldIds.Select(f => (JsonNode)f).ToArray()),
            ["trg_selection_field_id"] = rule.TrgSelectionFieldId,
            ["trg_field_ref"] = rule.TrgFieldRef,
            ["filter_pre_domain"] = rule.FilterPreDomain,
            ["filter_domain"] = rule.FilterDomain,
            ["trg_date_id"] = rule.TrgDateId,
            ["trg_date_range"] = rule.TrgDateRange,
            ["trg_date_range_type"] = rule.TrgDateRangeType,
            ["trg_date_range_mode"] = rule.TrgDateRangeMode,
            ["trg_date_calendar_id"] = rule.TrgDateCalendarId,
            ["on_change_field_ids"] = new JsonArray(rule.OnChangeFieldIds.Select(f => (JsonNode)f).ToArray()),
            ["record_getter"] = rule.RecordGetter,
            ["log_webhook_calls"] = rule.LogWebhookCalls,
            ["last_run"] = rule.LastRun is { } lastRun ? RecordJson.FormatDateTime(lastRun) : null,
            ["description"] = rule.Description,
            ["action_server_ids"] = new JsonArray(rule.Actions.Select(a => (JsonNode)ActionToJson(a, includeSecrets)).ToArray()),
        };
        foreach (var (key, value) in rule.Extra)
        {
            // Secrets are write-only (API.md): stored, never shown.
            if (includeSecrets || !key.EndsWith("_secret", StringComparison.Ordinal))
            {
                json[key] = value?.DeepClone();
            }
        }

        return json;
    }

    /// <summary>An action as the API shows it; <c>*_secret</c> fields (an outgoing webhook's signing secret) are write-only.</summary>
    public static JsonObject ActionToJson(ServerAction action, bool includeSecrets = false)
    {
        ArgumentNullException.ThrowIfNull(action);
        var json = new JsonObject { ["id"] = action.Id, ["name"] = action.Name, ["sequence"] = action.Sequence, ["state"] = action.State };
        foreach (var (key, value) in action.Fields)
        {
            json[key] = value?.DeepClone();
        }

        return includeSecrets ? json : WithoutSecrets(json);
    }

    private static JsonObject WithoutSecrets(JsonObject action)
    {
        foreach (var key in action.Select(p => p.Key).Where(k => k.EndsWith("_secret", StringComparison.Ordinal)).ToList())
        {
            action.Remove(key);
        }

        if (action["child_ids"] is JsonArray children)
        {
            foreach (var child in children.OfType<JsonObject>())
            {
                WithoutSecrets(child);
            }
        }

        return action;
    }

    /// <summary>
    /// Write-only action fields are never shown, so a PUT or PATCH that sends an action (same id) back without them keeps
    /// the stored ones.
    /// </summary>
    public static void KeepActionSecrets(JsonObject body, AutomationRule existing)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(existing);
        var stored = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var action in existing.Actions)
        {
            Index(ActionToJson(action, includeSecrets: true), stored);
        }

        if (body["action_server_ids"] is JsonArray actions)
        {
            foreach (var action in actions.OfType<JsonObject>())
            {
                Restore(action, stored);
            }
        }

        static void Index(JsonObject action, Dictionary<string, JsonObject> stored)
        {
            if (action["id"] is JsonValue id && id.ToString() is { Length: > 0 } key)
            {
                stored[key] = action;
            }

            foreach (var child in (action["child_ids"] as JsonArray ?? []).OfType<JsonObject>())
            {
                Index(child, stored);
            }
        }

        static void Restore(JsonObject action, Dictionary<string, JsonObject> stored)
        {
            if (action["id"] is JsonValue id && stored.TryGetValue(id.ToString(), out var previous))
            {
                foreach (var (key, value) in previous.Where(p => p.Key.EndsWith("_secret", StringComparison.Ordinal)).ToList())
                {
                    if (!action.ContainsKey(key))
                    {
                        action[key] = value?.DeepClone();
                    }
                }
            }

            foreach (var child in (action["child_ids"] as JsonArray ?? []).OfType<JsonObject>())
            {
                Restore(child, stored);
            }
        }
    }

    /// <summary>
    /// Gives every action (inline children too) without an <c>id</c> one from <paramref name="next"/>: outgoing webhooks
    /// name their action <c>"name(#id)"</c> and multi actions refer to children by id.
    /// </summary>
    public static async Task<AutomationRule> AssignActionIdsAsync(AutomationRule rule, Func<CancellationToken, Task<long>> next,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(next);
        var json = ToJson(rule, includeSecrets: true);
        var changed = false;
        foreach (var action in (json["action_server_ids"] as JsonArray ?? []).OfType<JsonObject>())
        {
            changed |= await AssignAsync(action, 0);
        }

        if (!changed)
        {
            return rule;
        }

        var lastRun = rule.LastRun;
        json.Remove("last_run");
        var errors = new FieldErrors();
        return (Parse(json, errors, rule.Id) ?? throw new InvalidOperationException($"The rule no longer parses after numbering its actions: {errors}")) with
        {
            LastRun = lastRun,
        };

        async Task<bool> AssignAsync(JsonObject action, int depth)
        {
            var assigned = false;
            if (action["id"] is null)
            {
                action["id"] = (await next(cancellationToken)).ToString(CultureInfo.InvariantCulture);
                assigned = true;
            }

            foreach (var child in (depth < 16 ? action["child_ids"] as JsonArray ?? [] : []).OfType<JsonObject>())
            {
                assigned |= await AssignAsync(child, depth + 1);
            }

            return assigned;
        }
    }

    private static string? Str(JsonObject body, string key, FieldErrors errors)
    {
        var node = body[key];
        if (node is null || (node is JsonValue f && f.TryGetValue<bool>(out var b) && !b))
        {
            return null; // absent, null, or Odoo's False
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        errors.Add(key, "Expected a string.");
        return null;
    }

    private static string? DomainText(JsonObject body, string key, FieldErrors errors) => body[key] switch
    {
        null => null,
        JsonArray array => array.ToJsonString(), // JSON-array domains are kept as their JSON text
        _ => Str(body, key, errors),
    };

    private static long? Long(JsonObject body, string key, FieldErrors errors)
    {
        var node = body[key];
        if (node is null || (node is JsonValue f && f.TryGetValue<bool>(out var b) && !b))
        {
            return null;
        }

        // An int node (ToJson writes trg_date_range as one, and PATCH merges from it) does not convert to long by itself.
        if (node is JsonValue v && (v.TryGetValue<long>(out var l) || (v.TryGetValue<int>(out var i) && (l = i) == i) ||
                                    (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && (l = (long)d) == d)))
        {
            return l;
        }

        errors.Add(key, "Expected an integer.");
        return null;
    }

    private static bool Bool(JsonObject body, string key, bool fallback, FieldErrors errors)
    {
        var node = body[key];
        if (node is null)
        {
            return fallback;
        }

        if (node is JsonValue v && v.TryGetValue<bool>(out var b))
        {
            return b;
        }

        errors.Add(key, "Expected true or false.");
        return fallback;
    }

    private static List<string> Names(JsonObject body, string key, FieldErrors errors)
    {
        if (body[key] is null)
        {
            return [];
        }

        if (body[key] is JsonArray array && array.All(n => n is JsonValue v && v.TryGetValue<string>(out _)))
        {
            return array.Select(n => n!.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList();
        }

        errors.Add(key, "Expected a list of field names.");
        return [];
    }

    /// <summary>For storage: the rule with secrets.</summary>
    public static string Serialize(AutomationRule rule) => ToJson(rule, includeSecrets: true).ToJsonString();

    public static AutomationRule Deserialize(string json, long id)
    {
        var errors = new FieldErrors();
        var body = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("A stored rule is not an object.");
        var lastRun = body["last_run"]?.GetValue<string>();
        body.Remove("last_run");
        var rule = Parse(body, errors, id) ?? throw new JsonException($"Stored rule {id} no longer parses: {errors}");
        return rule with
        {
            LastRun = lastRun is null ? null : DateTime.Parse(lastRun, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        };
    }
}
