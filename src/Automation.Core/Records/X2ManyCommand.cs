using System.Text.Json.Nodes;

namespace Automation.Core.Records;

/// <summary>Odoo's x2many command codes (<c>odoo.fields.Command</c>): the first element of a command triple.</summary>
public enum X2ManyOperation
{
    /// <summary><c>(0, 0, {values})</c>: create a related record and link it.</summary>
    Create = 0,

    /// <summary><c>(1, id, {values})</c>: write values on the related record.</summary>
    Update = 1,

    /// <summary><c>(2, id, 0)</c>: delete the related record.</summary>
    Delete = 2,

    /// <summary><c>(3, id, 0)</c>: remove the link (one2many: empty the inverse many2one).</summary>
    Unlink = 3,

    /// <summary><c>(4, id, 0)</c>: add a link to an existing record.</summary>
    Link = 4,

    /// <summary><c>(5, 0, 0)</c>: remove every link.</summary>
    Clear = 5,

    /// <summary><c>(6, 0, [ids])</c>: replace the links with exactly these ids.</summary>
    Set = 6,
}

/// <summary>
/// One parsed x2many command. <see cref="Values"/> (create/update) are the related model's record JSON, unparsed:
/// the record store parses them with <see cref="RecordJson.ParseValues(Models.ModelDefinition, System.Text.Json.JsonElement, RecordParseMode)"/>
/// against the relation's model, because only it can look that model up.
/// </summary>
public sealed record X2ManyCommand(X2ManyOperation Operation, long Id = 0, JsonObject? Values = null, IReadOnlyList<long>? Ids = null)
{
    public static X2ManyCommand Create(JsonObject values) => new(X2ManyOperation.Create, Values: values);

    public static X2ManyCommand Update(long id, JsonObject values) => new(X2ManyOperation.Update, id, values);

    public static X2ManyCommand Delete(long id) => new(X2ManyOperation.Delete, id);

    public static X2ManyCommand Unlink(long id) => new(X2ManyOperation.Unlink, id);

    public static X2ManyCommand Link(long id) => new(X2ManyOperation.Link, id);

    public static X2ManyCommand Clear() => new(X2ManyOperation.Clear);

    public static X2ManyCommand Set(IReadOnlyList<long> ids) => new(X2ManyOperation.Set, Ids: ids);

    /// <summary>
    /// The linked ids after applying <paramref name="commands"/> to <paramref name="current"/>, in Odoo's order
    /// (existing links keep their place, new ones are appended). Create commands link the id
    /// <paramref name="createdId"/> returns for them (the store creates the record first); without it they are skipped.
    /// Update changes no link; Delete and Unlink both drop the link.
    /// </summary>
    public static IReadOnlyList<long> ApplyLinks(IReadOnlyList<long> current, IEnumerable<X2ManyCommand> commands,
        Func<X2ManyCommand, long?>? createdId = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(commands);
        var ids = new List<long>(current.Distinct());
        foreach (var command in commands)
        {
            switch (command.Operation)
            {
                case X2ManyOperation.Create:
                    if (createdId?.Invoke(command) is { } created && !ids.Contains(created))
                    {
                        ids.Add(created);
                    }

                    break;
                case X2ManyOperation.Delete or X2ManyOperation.Unlink:
                    ids.Remove(command.Id);
                    break;
                case X2ManyOperation.Link:
                    if (!ids.Contains(command.Id))
                    {
                        ids.Add(command.Id);
                    }

                    break;
                case X2ManyOperation.Clear:
                    ids.Clear();
                    break;
                case X2ManyOperation.Set:
                    ids.Clear();
                    ids.AddRange((command.Ids ?? []).Distinct());
                    break;
                case X2ManyOperation.Update:
                default:
                    break;
            }
        }

        return ids;
    }
}
