using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Records;

namespace Automation.Core.Rules;

/// <summary>
/// Parses a rule's actions with their multi-action children (spec §5.12). A <c>child_ids</c> entry is an action object
/// (inline) or the <c>id</c> of another action of the rule's tree, so one child can serve several multi actions. A
/// child that leads back to its parent is refused ("Recursion found in child server actions"), as are actions of the
/// rule itself chosen as children (the rule runs them already, Odoo forbids it too).
/// </summary>
internal sealed class ActionTree(FieldErrors errors)
{
    /// <summary>Inline nesting limit of <c>child_ids</c>.</summary>
    public const int MaxDepth = 8;

    /// <summary>Most actions in one rule, children included.</summary>
    public const int MaxNodes = 500;

    private static readonly HashSet<string> CommonKeys = new(StringComparer.Ordinal) { "id", "name", "sequence", "state" };

    private readonly Dictionary<string, Node> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<Node, ServerAction> _resolved = [];
    private int _count;

    public sealed class Node
    {
        public required ServerAction Action { get; init; }

        public required string Path { get; init; }

        public bool TopLevel { get; init; }

        /// <summary><see cref="Node"/> (inline) or <see cref="string"/> (a reference by id), with the entry's path.</summary>
        public List<(object Entry, string Path)> Children { get; } = [];
    }

    public Node? Parse(JsonNode? node, string path, int depth, bool topLevel)
    {
        if (node is not JsonObject obj)
        {
            errors.Add(path, "Expected an action object.");
            return null;
        }

        if (++_count > MaxNodes)
        {
            errors.Add(path, $"A rule holds at most {MaxNodes} actions, children included.");
            return null;
        }

        var name = obj["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null;
        var state = obj["state"] is JsonValue st && st.TryGetValue<string>(out var t) ? t : null;
        if (string.IsNullOrWhiteSpace(state))
        {
            errors.Add(path + ".state", "An action needs a state (its type: object_write, code, …).");
            return null;
        }

        var sequence = 5;
        if (obj["sequence"] is { } seq && !(seq is JsonValue sv && sv.TryGetValue<int>(out sequence)))
        {
            errors.Add(path + ".sequence", "Expected an integer.");
        }

        var fields = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (!CommonKeys.Contains(key))
            {
                fields[key] = value?.DeepClone();
            }
        }

        var id = obj["id"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            JsonValue v when v.TryGetValue<long>(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => Invalid(path + ".id", "An action id is a number or a text."),
        };
        var parsed = new Node
        {
            Action = new ServerAction { Id = id, Name = string.IsNullOrWhiteSpace(name) ? state : name, Sequence = sequence, State = state, Fields = fields },
            Path = path,
            TopLevel = topLevel,
        };
        if (id is not null && !_byId.TryAdd(id, parsed))
        {
            errors.Add(path + ".id", $"Two actions of this rule have the id '{id}'.");
        }

        if (obj["child_ids"] is { } children)
        {
            if (children is not JsonArray list)
            {
                errors.Add(path + ".child_ids", "Expected a list of actions or action ids.");
            }
            else if (depth >= MaxDepth)
            {
                errors.Add(path + ".child_ids", $"Multi actions nest at most {MaxDepth} deep.");
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    var childPath = $"{path}.child_ids.{i.ToString(CultureInfo.InvariantCulture)}";
                    switch (list[i])
                    {
                        case JsonObject:
                            if (Parse(list[i], childPath, depth + 1, topLevel: false) is { } child)
                            {
                                parsed.Children.Add((child, childPath));
                            }

                            break;
                        case JsonValue v when v.TryGetValue<long>(out var refId):
                            parsed.Children.Add((refId.ToString(CultureInfo.InvariantCulture), childPath));
                            break;
                        case JsonValue v when v.TryGetValue<string>(out var refText):
                            parsed.Children.Add((refText, childPath));
                            break;
                        default:
                            errors.Add(childPath, "Expected an action object or the id of another action of this rule.");
                            break;
                    }
                }
            }
        }

        return parsed;
    }

    /// <summary>Checks references and cycles, then builds the actions with their children in order.</summary>
    public IReadOnlyList<ServerAction> Resolve(IReadOnlyList<Node> top)
    {
        var state = new Dictionary<Node, bool>(); // false: on the current path; true: done
        foreach (var node in top)
        {
            Visit(node, state);
        }

        return errors.IsEmpty ? top.Select(Build).ToList() : [];
    }

    private void Visit(Node node, Dictionary<Node, bool> state)
    {
        if (state.TryGetValue(node, out var done))
        {
            if (!done)
            {
                errors.Add(node.Path + ".child_ids", "Recursion found in child server actions");
            }

            return;
        }

        state[node] = false;
        foreach (var (entry, path) in node.Children)
        {
            var child = Child(entry, path);
            if (child is null)
            {
                continue;
            }

            if (state.TryGetValue(child, out var childDone) && !childDone)
            {
                errors.Add(node.Path + ".child_ids", "Recursion found in child server actions");
                continue;
            }

            if (child.TopLevel && entry is string)
            {
                errors.Add(path, $"Action '{child.Action.Name}' belongs to the rule itself, so it cannot also be a child of a multi action.");
                continue;
            }

            Visit(child, state);
        }

        state[node] = true;
    }

    private Node? Child(object entry, string path)
    {
        if (entry is Node inline)
        {
            return inline;
        }

        var id = (string)entry;
        if (_byId.TryGetValue(id, out var referenced))
        {
            return referenced;
        }

        errors.Add(path, $"There is no action with id '{id}' in this rule.");
        return null;
    }

    private ServerAction Build(Node node)
    {
        if (_resolved.TryGetValue(node, out var built))
        {
            return built;
        }

        var children = node.Children.Select(c => Build(c.Entry is Node n ? n : _byId[(string)c.Entry]))
            .OrderBy(a => a.Sequence).ThenBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        built = node.Action with { Children = children };
        _resolved[node] = built;
        return built;
    }

    private string? Invalid(string path, string message)
    {
        errors.Add(path, message);
        return null;
    }
}
