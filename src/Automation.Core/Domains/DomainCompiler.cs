using System.Globalization;
using Automation.Core.Models;

namespace Automation.Core.Domains;

/// <summary>
/// Binds a <see cref="Domain"/> to a model: resolves fields and dotted paths, checks operators against field types,
/// converts values (dates, relative dates, numbers) and applies the empty-value rules of spec §7.2, producing a
/// <see cref="CompiledDomain"/>. Every problem is a <see cref="DomainException"/> naming the term.
/// </summary>
public static class DomainCompiler
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["<>"] = "!=",
        ["=="] = "=",
        ["any!"] = "any",
        ["not any!"] = "not any",
    };

    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "=", "!=", "<", "<=", ">", ">=", "in", "not in", "like", "not like", "ilike", "not ilike", "=like", "not =like", "=ilike",
        "not =ilike", "=?", "child_of", "parent_of", "any", "not any",
    };

    /// <summary>Compiles against <paramref name="model"/>, reading related models from the registry.</summary>
    public static async Task<CompiledDomain> CompileAsync(ModelDefinition model, Domain domain, IModelRegistry models,
        CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        var all = await models.ListAsync(cancellationToken);
        var byName = all.ToDictionary(m => m.Name, StringComparer.Ordinal);
        return Compile(model, domain, name => byName.GetValueOrDefault(name), clock);
    }

    /// <summary>Compiles against <paramref name="model"/>; <paramref name="models"/> resolves the models of relational fields.</summary>
    public static CompiledDomain Compile(ModelDefinition model, Domain domain, Func<string, ModelDefinition?> models, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(models);
        var compiler = new Compiler(models, clock ?? TimeProvider.System);
        return new CompiledDomain(model, domain, compiler.Node(model, domain.Root, 0));
    }

    private sealed class Compiler(Func<string, ModelDefinition?> models, TimeProvider clock)
    {
        public Condition Node(ModelDefinition model, DomainNode node, int depth) => node switch
        {
            DomainConstant c => c.Value ? ConstantCondition.True : ConstantCondition.False,
            DomainAnd and => And(and.Children.Select(c => Node(model, c, depth)).ToList()),
            DomainOr or => Or(or.Children.Select(c => Node(model, c, depth)).ToList()),
            DomainNot not => Not(Node(model, not.Child, depth)),
            DomainLeaf leaf => Leaf(model, leaf, depth),
            _ => throw new DomainException("Unknown domain node."),
        };

        private static Condition And(List<Condition> children)
        {
            if (children.Any(c => c is ConstantCondition { Value: false }))
            {
                return ConstantCondition.False;
            }

            children.RemoveAll(c => c is ConstantCondition { Value: true });
            var flat = children.SelectMany(c => c is AndCondition a ? a.Children : [c]).ToArray();
            return flat.Length switch
            {
                0 => ConstantCondition.True,
                1 => flat[0],
                _ => new AndCondition(flat),
            };
        }

        private static Condition Or(List<Condition> children)
        {
            if (children.Any(c => c is ConstantCondition { Value: true }))
            {
                return ConstantCondition.True;
            }

            children.RemoveAll(c => c is ConstantCondition { Value: false });
            var flat = children.SelectMany(c => c is OrCondition o ? o.Children : [c]).ToArray();
            return flat.Length switch
            {
                0 => ConstantCondition.False,
                1 => flat[0],
                _ => new OrCondition(flat),
            };
        }

        private static Condition Not(Condition child) => child switch
        {
            ConstantCondition c => c.Value ? ConstantCondition.False : ConstantCondition.True,
            NotCondition n => n.Child,
            _ => new NotCondition(child),
        };

        private Condition Leaf(ModelDefinition model, DomainLeaf leaf, int depth)
        {
            var op = Aliases.GetValueOrDefault(leaf.Operator, leaf.Operator);
            if (!Operators.Contains(op))
            {
                throw new DomainException($"Unknown operator '{leaf.Operator}' on '{leaf.Path}'.", leaf.Index);
            }

            if (depth > Domain.MaxDepth)
            {
                throw new DomainException($"Paths and sub-domains nest more than {Domain.MaxDepth} levels deep.", leaf.Index);
            }

            var segments = leaf.Path.Split('.');
            if (segments.Any(s => s.Length == 0))
            {
                throw new DomainException($"'{leaf.Path}' is not a valid field path.", leaf.Index);
            }

            var target = Target(model, segments[0], leaf);
            if (segments.Length > 1)
            {
                // spec §7.2: ('a.b', op, v) means ('a', 'any', [('b', op, v)]), also for negative operators.
                var (related, inverse) = Related(target, leaf, $"'{segments[0]}' is not a relational field, so '{leaf.Path}' cannot go through it.");
                var sub = Leaf(related, leaf with { Path = string.Join('.', segments[1..]) }, depth + 1);
                return new AnyCondition(target, related, sub, negate: false, inverse);
            }

            var value = leaf.Value;
            switch (op)
            {
                case "any" or "not any":
                    {
                        var (related, inverse) = Related(target, leaf, $"'{op}' needs a relational field; '{leaf.Path}' is {target.Type.ApiName()}.");
                        var subDomain = value switch
                        {
                            Domain d => d,
                            IReadOnlyList<object?> terms => SubDomain(terms, leaf, depth),
                            _ => throw new DomainException($"'{op}' needs a sub-domain (a list of conditions), got {DomainText.Describe(value)}.", leaf.Index),
                        };
                        Condition sub;
                        try
                        {
                            sub = Node(related, subDomain.Root, depth + 1);
                        }
                        catch (DomainException e)
                        {
                            throw new DomainException($"In the sub-domain of '{leaf.Path}': {e.Message}", leaf.Index);
                        }

                        return new AnyCondition(target, related, sub, negate: op == "not any", inverse);
                    }

                case "child_of" or "parent_of":
                    return Hierarchy(model, target, op == "child_of", leaf, depth);
                case "=?":
                    if (DomainValues.IsEmpty(value))
                    {
                        return ConstantCondition.True;
                    }

                    op = "=";
                    break;
            }

            // x2many: ('tag_ids', '!=', []) is "set", ('tag_ids', '=', []) "not set".
            if (target.Type.IsToMany() && op is "=" or "!=" && value is IReadOnlyList<object?> { Count: 0 })
            {
                value = null;
            }

            if (op is "=" or "!=" && value is IReadOnlyList<object?>)
            {
                op = op == "=" ? "in" : "not in";
            }
            else if (op is "in" or "not in" && value is not IReadOnlyList<object?>)
            {
                value = new List<object?> { value };
            }

            // A relational field compared with text matches on the related records' display name (spec §7.2).
            if (target.Type.IsRelational() && target.Source == FieldSource.Stored && HasText(value))
            {
                var (related, inverse) = Related(target, leaf, "");
                var negative = op is "!=" or "not in" or "not like" or "not ilike" or "not =like" or "not =ilike";
                var positiveOp = negative ? Positive(op) : op;
                var sub = Leaf(related, new DomainLeaf("display_name", positiveOp, value, leaf.Index), depth + 1);
                return new AnyCondition(target, related, sub, negate: negative, inverse);
            }

            return Typed(model, target, op, value, leaf);
        }

        private static string Positive(string op) => op switch
        {
            "!=" => "=",
            "not in" => "in",
            "not like" => "like",
            "not ilike" => "ilike",
            "not =like" => "=like",
            _ => "=ilike",
        };

        private static bool HasText(object? value) => value switch
        {
            string => true,
            IReadOnlyList<object?> list => list.Any(v => v is string),
            _ => false,
        };

        private static Domain SubDomain(IReadOnlyList<object?> terms, DomainLeaf leaf, int depth)
        {
            try
            {
                return DomainParser.FromTerms(terms, depth + 1);
            }
            catch (DomainException e)
            {
                throw new DomainException($"In the sub-domain of '{leaf.Path}': {e.Message}", leaf.Index);
            }
        }

        private static FieldTarget Target(ModelDefinition model, string name, DomainLeaf leaf)
        {
            switch (name)
            {
                case "id":
                    return new FieldTarget(model, "id", FieldType.Integer, FieldSource.Id);
                case "create_date":
                    return new FieldTarget(model, name, FieldType.Datetime, FieldSource.CreateDate);
                case "write_date":
                    return new FieldTarget(model, name, FieldType.Datetime, FieldSource.WriteDate);
                case "display_name":
                    return new FieldTarget(model, model.Field(model.RecName)?.Name ?? "display_name", FieldType.Char, FieldSource.DisplayName);
            }

            var field = model.Field(name) ?? throw new DomainException($"Unknown field '{name}' on model '{model.Name}'.", leaf.Index);
            return new FieldTarget(model, field.Name, field.Type, FieldSource.Stored);
        }

        private (ModelDefinition Related, string? Inverse) Related(FieldTarget target, DomainLeaf leaf, string notRelational)
        {
            if (target.Source != FieldSource.Stored || !target.Type.IsRelational())
            {
                throw new DomainException(notRelational, leaf.Index);
            }

            var field = target.Model.Field(target.Name)!;
            var related = models(field.Relation ?? "")
                ?? throw new DomainException($"'{field.Name}' points at model '{field.Relation}', which does not exist.", leaf.Index);
            return (related, field.Type == FieldType.One2many ? field.InverseName : null);
        }

        private Condition Hierarchy(ModelDefinition model, FieldTarget target, bool childOf, DomainLeaf leaf, int depth)
        {
            var op = childOf ? "child_of" : "parent_of";
            var items = leaf.Value switch
            {
                IReadOnlyList<object?> list => list,
                var single => [single],
            };
            if (items.All(DomainValues.IsFalse))
            {
                return ConstantCondition.False; // spec §7.1: False → FALSE
            }

            var ids = new List<long>();
            var names = new List<string>();
            foreach (var item in items)
            {
                switch (item)
                {
                    case long id:
                        ids.Add(id);
                        break;
                    case double d when d == Math.Floor(d) && Math.Abs(d) < 9e15:
                        ids.Add((long)d);
                        break;
                    case string name:
                        names.Add(name);
                        break;
                    case null or false:
                        break;
                    default:
                        throw new DomainException($"'{op}' needs record ids or names, got {DomainText.Describe(item)}.", leaf.Index);
                }
            }

            if (target.Source != FieldSource.Id)
            {
                var (related, inverse) = Related(target, leaf, $"'{op}' needs 'id' or a relational field; '{leaf.Path}' is {target.Type.ApiName()}.");
                var sub = Hierarchy(related, new FieldTarget(related, "id", FieldType.Integer, FieldSource.Id), childOf,
                    leaf with { Path = "id" }, depth + 1);
                return new AnyCondition(target, related, sub, negate: false, inverse);
            }

            var parent = model.Field("parent_id");
            if (parent is not { Type: FieldType.Many2one } || parent.Relation != model.Name)
            {
                // Without a parent field the hierarchy is flat: every record is only its own child and parent.
                if (names.Count > 0)
                {
                    var byName = new TextCondition(new FieldTarget(model, model.RecName, FieldType.Char, FieldSource.DisplayName), Op.ILike,
                        names[0]);
                    return Or([new NumberCondition(target, Op.In, ids.Select(i => (double)i).ToList()), byName]);
                }

                return new NumberCondition(target, Op.In, ids.Select(i => (double)i).ToList());
            }

            if (!childOf && names.Count > 0)
            {
                throw new DomainException("'parent_of' needs record ids; names are supported by 'child_of' only.", leaf.Index);
            }

            return new HierarchyCondition(model, parent.Name, childOf, ids, names);
        }

        private Condition Typed(ModelDefinition model, FieldTarget target, string opText, object? value, DomainLeaf leaf)
        {
            var isFalse = DomainValues.IsFalse(value);
            var op = opText switch
            {
                "=" when isFalse && target.Type != FieldType.Boolean => Op.NotSet,
                "!=" when isFalse && target.Type != FieldType.Boolean => Op.Set,
                "=" => Op.Eq,
                "!=" => Op.Ne,
                "<" => Op.Lt,
                "<=" => Op.Le,
                ">" => Op.Gt,
                ">=" => Op.Ge,
                "in" => Op.In,
                "not in" => Op.NotIn,
                "like" => Op.Like,
                "not like" => Op.NotLike,
                "ilike" => Op.ILike,
                "not ilike" => Op.NotILike,
                "=like" => Op.EqLike,
                "not =like" => Op.NotEqLike,
                "=ilike" => Op.EqILike,
                _ => Op.NotEqILike,
            };
            var items = value as IReadOnlyList<object?> ?? [];
            var like = op is Op.Like or Op.NotLike or Op.ILike or Op.NotILike or Op.EqLike or Op.NotEqLike or Op.EqILike or Op.NotEqILike;
            var ordering = op is Op.Lt or Op.Le or Op.Gt or Op.Ge;
            if (op is Op.In or Op.NotIn && items.Count == 0)
            {
                return op == Op.In ? ConstantCondition.False : ConstantCondition.True; // spec §7.1
            }

            DomainException Mismatch(string what) =>
                new($"Operator '{leaf.Operator}' {what} on {target.Type.ApiName()} field '{leaf.Path}' of '{model.Name}'.", leaf.Index);
            DomainException BadValue(object? v, string expected) =>
                new($"'{leaf.Path}' is a field of type {target.Type.ApiName()}: {DomainText.Describe(v)} is not {expected}.", leaf.Index);

            switch (target.Type)
            {
                case FieldType.Char or FieldType.Text or FieldType.Html or FieldType.Selection:
                    {
                        string? Text(object? v) => v switch
                        {
                            null or false => null,
                            string s => s.Length == 0 ? null : s,
                            long or double => Convert.ToString(v, CultureInfo.InvariantCulture),
                            _ => throw BadValue(v, "text"),
                        };

                        if (like)
                        {
                            var pattern = value is null or false ? "" : Text(value) ?? "";
                            if (pattern.Length == 0)
                            {
                                // spec §7.2: like '' is TRUE, not like '' FALSE, =like '' means "not set".
                                return op switch
                                {
                                    Op.Like or Op.ILike => ConstantCondition.True,
                                    Op.NotLike or Op.NotILike => ConstantCondition.False,
                                    Op.EqLike or Op.EqILike => new TextCondition(target, Op.NotSet, null),
                                    _ => new TextCondition(target, Op.Set, null),
                                };
                            }

                            return new TextCondition(target, op, pattern);
                        }

                        if (op is Op.In or Op.NotIn)
                        {
                            var texts = items.Select(Text).ToList();
                            return new TextCondition(target, op, null, texts.OfType<string>().ToList(), texts.Any(t => t is null));
                        }

                        var text = Text(value);
                        if (text is null)
                        {
                            return op switch
                            {
                                Op.Eq => new TextCondition(target, Op.NotSet, null),
                                Op.Ne => new TextCondition(target, Op.Set, null),
                                Op.Set or Op.NotSet => new TextCondition(target, op, null),
                                _ => ConstantCondition.False, // an ordering against False/'' matches nothing
                            };
                        }

                        return new TextCondition(target, op, text);
                    }

                case FieldType.Integer or FieldType.Float or FieldType.Monetary:
                    {
                        if (like)
                        {
                            throw Mismatch("is for text");
                        }

                        double Number(object? v) => v switch
                        {
                            null or false => 0,
                            true => 1,
                            long l => l,
                            double d when double.IsFinite(d) => d,
                            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
                            _ => throw BadValue(v, "a number"),
                        };

                        if (op is Op.In or Op.NotIn)
                        {
                            return new NumberCondition(target, op, items.Select(Number).ToList());
                        }

                        if (op is Op.Set or Op.NotSet)
                        {
                            return target.Source == FieldSource.Id
                                ? (op == Op.Set ? ConstantCondition.True : ConstantCondition.False)
                                : new NumberCondition(target, op, [0]);
                        }

                        return new NumberCondition(target, op, [Number(value)]);
                    }

                case FieldType.Boolean:
                    {
                        if (like || ordering)
                        {
                            throw Mismatch("is not available");
                        }

                        bool Bool(object? v) => v switch
                        {
                            null => false,
                            bool b => b,
                            long l when l is 0 or 1 => l == 1,
                            _ => throw BadValue(v, "True or False"),
                        };

                        bool Outcome(bool x) => op switch
                        {
                            Op.Eq => x == Bool(value),
                            Op.Ne => x != Bool(value),
                            Op.In => items.Any(i => Bool(i) == x),
                            Op.NotIn => items.All(i => Bool(i) != x),
                            Op.Set => x,
                            _ => !x,
                        };

                        return new BooleanCondition(target, op, Outcome(true), Outcome(false));
                    }

                case FieldType.Date:
                    {
                        if (like)
                        {
                            throw Mismatch("is for text");
                        }

                        DateOnly? Date(object? v) => v is null or false ? null
                            : DomainValues.ParseDate(v, clock) ?? throw BadValue(v, "a date (YYYY-MM-DD or a relative date such as 'today -1d')");

                        if (op is Op.In or Op.NotIn)
                        {
                            var dates = items.Select(Date).ToList();
                            return new DateCondition(target, op, default, dates.OfType<DateOnly>().ToList(), dates.Any(d => d is null));
                        }

                        if (op is Op.Set or Op.NotSet)
                        {
                            return new DateCondition(target, op, default);
                        }

                        return Date(value) is { } date ? new DateCondition(target, op, date) : ConstantCondition.False;
                    }

                case FieldType.Datetime:
                    {
                        if (like)
                        {
                            throw Mismatch("is for text");
                        }

                        DateTime? Moment(object? v) => v is null or false ? null
                            : DomainValues.ParseDateTime(v, clock) ?? throw BadValue(v, "a datetime (YYYY-MM-DD HH:MM:SS or a relative date such as 'now -1H')");

                        var always = target.Source != FieldSource.Stored;
                        if (op is Op.In or Op.NotIn)
                        {
                            var moments = items.Select(Moment).ToList();
                            return new DateTimeCondition(target, op, default, moments.OfType<DateTime>().ToList(), moments.Any(d => d is null));
                        }

                        if (op is Op.Set or Op.NotSet)
                        {
                            return always ? (op == Op.Set ? ConstantCondition.True : ConstantCondition.False) : new DateTimeCondition(target, op, default);
                        }

                        return Moment(value) is { } moment ? new DateTimeCondition(target, op, moment) : ConstantCondition.False;
                    }

                case FieldType.Many2one:
                    {
                        if (like)
                        {
                            throw Mismatch("needs text (a display name)");
                        }

                        long Id(object? v) => v switch
                        {
                            null or false => 0,
                            long l => l,
                            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
                            _ => throw BadValue(v, "a record id"),
                        };

                        if (op is Op.In or Op.NotIn)
                        {
                            var ids = items.Select(Id).ToList();
                            return new Many2oneCondition(target, op, 0, ids.Where(i => i != 0).ToList(), ids.Any(i => i == 0));
                        }

                        return new Many2oneCondition(target, op, op is Op.Set or Op.NotSet ? 0 : Id(value));
                    }

                case FieldType.Many2many or FieldType.One2many:
                    {
                        if (like || ordering)
                        {
                            throw Mismatch("is not available (use 'in', 'not in', 'any' or a dotted path)");
                        }

                        long Id(object? v) => v switch
                        {
                            null or false => 0,
                            long l => l,
                            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
                            _ => throw BadValue(v, "a record id"),
                        };

                        var definition = target.Model.Field(target.Name)!;
                        var inverse = definition.InverseName;
                        var related = definition.Type == FieldType.One2many ? Related(target, leaf, "").Related : null;
                        if (op is Op.In or Op.NotIn)
                        {
                            var ids = items.Select(Id).ToList();
                            return new ToManyCondition(target, op, ids.Where(i => i != 0).ToList(), ids.Any(i => i == 0), inverse, related);
                        }

                        return new ToManyCondition(target, op, op is Op.Set or Op.NotSet ? [] : [Id(value)], false, inverse, related);
                    }

                default:
                    return op is Op.Set or Op.NotSet
                        ? new JsonCondition(target, op)
                        : throw Mismatch("is not available (json fields can only be compared with False: set / not set)");
            }
        }
    }
}
