using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Automation.Scripting.Odoo;

/// <summary>
/// A thread-safe in-memory <see cref="IScriptEnvironment"/>: models registered up front, records as dictionaries,
/// domains with the common operators (=, !=, &lt;, &gt;, &lt;=, &gt;=, in, not in, like, ilike, =like, =ilike and
/// their negations, dotted paths through many2one fields, '&amp;' '|' '!' prefix operators). For tests and demos.
/// </summary>
public sealed class InMemoryRecordStore : IScriptEnvironment
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ScriptModel> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<long, Dictionary<string, object?>>> _records = new(StringComparer.Ordinal);
    private readonly List<PostedMessage> _messages = [];
    private long _nextId = 1;

    public InMemoryRecordStore(long uid = 2)
    {
        Uid = uid;
        AddModel(new ScriptModel("res.users", new ScriptField("name", ScriptFieldType.Char), new ScriptField("login", ScriptFieldType.Char)));
        lock (_gate)
        {
            _records["res.users"][uid] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = uid, ["name"] = "Administrator", ["login"] = "admin" };
            _nextId = Math.Max(_nextId, uid + 1);
        }
    }

    public long Uid { get; }

    public sealed record PostedMessage(long Id, string Model, long ResId, IReadOnlyDictionary<string, object?> Values);

    public IReadOnlyList<PostedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public void AddModel(ScriptModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_gate)
        {
            _models[model.Name] = model;
            if (!_records.ContainsKey(model.Name))
            {
                _records[model.Name] = [];
            }
        }
    }

    public ScriptModel? GetModel(string model)
    {
        lock (_gate)
        {
            return _models.GetValueOrDefault(model);
        }
    }

    private SortedDictionary<long, Dictionary<string, object?>> Table(string model) =>
        _records.TryGetValue(model, out var t) ? t : throw new KeyNotFoundException($"unknown model {model}");

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(string model, IReadOnlyList<long> ids, IReadOnlyCollection<string>? fields)
    {
        lock (_gate)
        {
            var table = Table(model);
            var rows = new List<IReadOnlyDictionary<string, object?>>();
            foreach (var id in ids)
            {
                if (table.TryGetValue(id, out var row))
                {
                    rows.Add(fields == null ? new Dictionary<string, object?>(row) : row.Where(kv => kv.Key == "id" || fields.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value));
                }
            }

            return rows;
        }
    }

    public IReadOnlyList<long> Search(string model, IReadOnlyList<object?> domain, int offset, int? limit, string? order)
    {
        lock (_gate)
        {
            IEnumerable<Dictionary<string, object?>> rows = Table(model).Values.Where(r => Matches(model, r, domain));
            rows = Order(rows, order);
            rows = rows.Skip(offset);
            if (limit.HasValue)
            {
                rows = rows.Take(limit.Value);
            }

            return [.. rows.Select(r => (long)r["id"]!)];
        }
    }

    public long SearchCount(string model, IReadOnlyList<object?> domain) => Search(model, domain, 0, null, null).Count;

    public IReadOnlyList<long> Create(string model, IReadOnlyList<IReadOnlyDictionary<string, object?>> values)
    {
        lock (_gate)
        {
            var table = Table(model);
            var meta = _models[model];
            var ids = new List<long>();
            foreach (var vals in values)
            {
                var id = _nextId++;
                var row = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = id };
                foreach (var f in meta.Fields.Values)
                {
                    row[f.Name] = f.Type is ScriptFieldType.One2many or ScriptFieldType.Many2many ? Array.Empty<long>() : null;
                }

                Apply(meta, row, vals);
                table[id] = row;
                ids.Add(id);
            }

            return ids;
        }
    }

    public void Write(string model, IReadOnlyList<long> ids, IReadOnlyDictionary<string, object?> values)
    {
        lock (_gate)
        {
            var table = Table(model);
            foreach (var id in ids)
            {
                if (!table.TryGetValue(id, out var row))
                {
                    throw new KeyNotFoundException($"Record does not exist or has been deleted: {model}({id},)");
                }

                Apply(_models[model], row, values);
            }
        }
    }

    private void Apply(ScriptModel meta, Dictionary<string, object?> row, IReadOnlyDictionary<string, object?> values)
    {
        foreach (var (name, value) in values)
        {
            if (!meta.Fields.TryGetValue(name, out var field))
            {
                throw new ArgumentException($"Invalid field '{name}' on model '{meta.Name}'");
            }

            if (field.Type is ScriptFieldType.One2many or ScriptFieldType.Many2many)
            {
                var current = ((IEnumerable<long>?)row[name] ?? []).ToList();
                foreach (var command in value as IEnumerable ?? Array.Empty<object>())
                {
                    switch (command)
                    {
                        case object?[] { Length: 3 } c:
                            var code = Convert.ToInt64(c[0], CultureInfo.InvariantCulture);
                            switch (code)
                            {
                                case 0:
                                    current.Add(Create(field.Relation!, [(IReadOnlyDictionary<string, object?>)c[2]!])[0]);
                                    break;
                                case 1:
                                    Write(field.Relation!, [Convert.ToInt64(c[1], CultureInfo.InvariantCulture)], (IReadOnlyDictionary<string, object?>)c[2]!);
                                    break;
                                case 2:
                                case 3:
                                    current.Remove(Convert.ToInt64(c[1], CultureInfo.InvariantCulture));
                                    break;
                                case 4:
                                    current.Add(Convert.ToInt64(c[1], CultureInfo.InvariantCulture));
                                    break;
                                case 5:
                                    current.Clear();
                                    break;
                                case 6:
                                    current = [.. ((IEnumerable)c[2]!).Cast<object>().Select(x => Convert.ToInt64(x, CultureInfo.InvariantCulture))];
                                    break;
                            }

                            break;
                        case long id:
                            current.Add(id);
                            break;
                    }
                }

                row[name] = current.Distinct().ToArray();
            }
            else
            {
                row[name] = value;
            }
        }
    }

    public void Unlink(string model, IReadOnlyList<long> ids)
    {
        lock (_gate)
        {
            var table = Table(model);
            foreach (var id in ids)
            {
                table.Remove(id);
            }
        }
    }

    public IReadOnlyList<long> Exists(string model, IReadOnlyList<long> ids)
    {
        lock (_gate)
        {
            var table = Table(model);
            return [.. ids.Where(table.ContainsKey)];
        }
    }

    public long MessagePost(string model, long id, IReadOnlyDictionary<string, object?> values)
    {
        lock (_gate)
        {
            var msg = new PostedMessage(_nextId++, model, id, values);
            _messages.Add(msg);
            return msg.Id;
        }
    }

    private static IEnumerable<Dictionary<string, object?>> Order(IEnumerable<Dictionary<string, object?>> rows, string? order)
    {
        if (string.IsNullOrWhiteSpace(order))
        {
            return rows.OrderBy(r => (long)r["id"]!);
        }

        IOrderedEnumerable<Dictionary<string, object?>>? ordered = null;
        foreach (var part in order.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bits = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var field = bits[0];
            var desc = bits.Length > 1 && bits[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
            Func<Dictionary<string, object?>, object?> key = r => r.GetValueOrDefault(field);
            ordered = ordered == null
                ? (desc ? rows.OrderByDescending(key, ValueComparer.Instance) : rows.OrderBy(key, ValueComparer.Instance))
                : (desc ? ordered.ThenByDescending(key, ValueComparer.Instance) : ordered.ThenBy(key, ValueComparer.Instance));
        }

        return ordered ?? rows;
    }

    private sealed class ValueComparer : IComparer<object?>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(object? x, object? y)
        {
            if (x == null || y == null)
            {
                return x == null ? (y == null ? 0 : -1) : 1;
            }

            if (IsNumber(x) && IsNumber(y))
            {
                return Convert.ToDouble(x, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(y, CultureInfo.InvariantCulture));
            }

            if (x is IComparable cx && x.GetType() == y.GetType())
            {
                return cx.CompareTo(y);
            }

            return string.CompareOrdinal(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture));
        }
    }

    private static bool IsNumber(object? o) => o is long or int or double or decimal or float or short;

    private bool Matches(string model, Dictionary<string, object?> row, IReadOnlyList<object?> domain)
    {
        var pos = 0;
        var results = new List<bool>();
        while (pos < domain.Count)
        {
            results.Add(Term(model, row, domain, ref pos));
        }

        return results.All(x => x);
    }

    private bool Term(string model, Dictionary<string, object?> row, IReadOnlyList<object?> domain, ref int pos)
    {
        var item = domain[pos++];
        switch (item)
        {
            case "&":
                {
                    var a = Term(model, row, domain, ref pos);
                    var b = Term(model, row, domain, ref pos);
                    return a && b;
                }

            case "|":
                {
                    var a = Term(model, row, domain, ref pos);
                    var b = Term(model, row, domain, ref pos);
                    return a || b;
                }

            case "!":
                return !Term(model, row, domain, ref pos);
            case IList leaf when leaf.Count == 3:
                return Leaf(model, row, Convert.ToString(leaf[0], CultureInfo.InvariantCulture)!, Convert.ToString(leaf[1], CultureInfo.InvariantCulture)!, leaf[2]);
            default:
                throw new ArgumentException($"Invalid leaf {item}");
        }
    }

    private bool Leaf(string model, Dictionary<string, object?> row, string path, string op, object? value)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var head = path[..dot];
            var field = _models[model].Fields.GetValueOrDefault(head) ?? throw new ArgumentException($"Invalid field {model}.{head} in leaf");
            var related = row[head] switch
            {
                null => [],
                long id => [id],
                IEnumerable<long> ids => ids,
                _ => [],
            };
            return related.Any(id => Table(field.Relation!).TryGetValue(id, out var r) && Leaf(field.Relation!, r, path[(dot + 1)..], op, value));
        }

        if (path != "id" && !_models[model].Fields.ContainsKey(path))
        {
            throw new ArgumentException($"Invalid field {model}.{path} in leaf");
        }

        var actual = row.GetValueOrDefault(path);
        if (value is false && op is "=" or "!=")
        {
            value = null;
        }

        var values = value is IEnumerable e and not string ? e.Cast<object?>().ToList() : null;
        return op switch
        {
            "=" => Same(actual, value),
            "!=" => !Same(actual, value),
            "<" => actual != null && ValueComparer.Instance.Compare(actual, value) < 0,
            ">" => actual != null && ValueComparer.Instance.Compare(actual, value) > 0,
            "<=" => actual != null && ValueComparer.Instance.Compare(actual, value) <= 0,
            ">=" => actual != null && ValueComparer.Instance.Compare(actual, value) >= 0,
            "in" => values != null && values.Any(v => Same(actual, v)),
            "not in" => values == null || !values.Any(v => Same(actual, v)),
            "like" => Like(actual, value, false, true),
            "ilike" => Like(actual, value, true, true),
            "not like" => !Like(actual, value, false, true),
            "not ilike" => !Like(actual, value, true, true),
            "=like" => Like(actual, value, false, false),
            "=ilike" => Like(actual, value, true, false),
            _ => throw new ArgumentException($"Invalid operator {op}"),
        };
    }

    private static bool Same(object? actual, object? expected)
    {
        if (actual is IEnumerable<long> many)
        {
            return expected == null ? !many.Any() : many.Any(id => Same(id, expected));
        }

        if (actual == null || expected == null)
        {
            return actual == null && expected == null;
        }

        if (IsNumber(actual) && IsNumber(expected))
        {
            return Convert.ToDouble(actual, CultureInfo.InvariantCulture) == Convert.ToDouble(expected, CultureInfo.InvariantCulture);
        }

        return Equals(actual, expected);
    }

    private static bool Like(object? actual, object? pattern, bool ignoreCase, bool contains)
    {
        if (actual is not string s || pattern is not string p)
        {
            return false;
        }

        var regex = contains
            ? Regex.Escape(p)
            : "^" + Regex.Escape(p).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(s, regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
