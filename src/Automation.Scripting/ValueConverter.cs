using System.Collections;
using System.Numerics;
using System.Text.Json;
using Automation.Scripting.Modules;
using Automation.Scripting.Odoo;
using Automation.Scripting.Runtime;

namespace Automation.Scripting;

/// <summary>
/// Converts between .NET values and interpreter values.
/// .NET → Python: null→None, string→str, integers→int, double/float/decimal→float, bool, DateTime→datetime,
/// DateOnly→date, TimeSpan→timedelta, JsonElement→dict/list/str/int/float/bool/None, IDictionary→dict,
/// IEnumerable→list, object?[]→tuple, <see cref="ScriptRecordSet"/>→recordset (needs an environment).
/// Python → .NET: the reverse; tuple→object?[], list/set→List&lt;object?&gt;, dict→Dictionary&lt;string, object?&gt;
/// (Dictionary&lt;object, object?&gt; when a key is not a string), recordset→<see cref="ScriptRecordSet"/>.
/// </summary>
public static class ValueConverter
{
    private const int MaxDepth = 200;

    public static object? ToDotNet(object? value) => ToDotNet(value, 0);

    internal static object? ToPython(object? value, EnvObject? env = null) => ToPython(value, env, 0);

    private static object? ToDotNet(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ScriptRuntimeException("RecursionError", "value nested too deeply to convert", 0);
        }

        switch (value)
        {
            case null or string or long or double or bool or BigInteger:
                return value;
            case PyList l:
                return l.Items.Select(x => ToDotNet(x, depth + 1)).ToList();
            case PyTuple t:
                return t.Items.Select(x => ToDotNet(x, depth + 1)).ToArray();
            case PySet s:
                return s.Elements.Select(x => ToDotNet(x, depth + 1)).ToList();
            case PyDict d:
                if (d.Keys.All(k => k is string))
                {
                    var r = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var p in d.Pairs)
                    {
                        r[(string)p.Key!] = ToDotNet(p.Value, depth + 1);
                    }

                    return r;
                }
                else
                {
                    var r = new Dictionary<object, object?>();
                    foreach (var p in d.Pairs)
                    {
                        r[ToDotNet(p.Key, depth + 1) ?? "None"] = ToDotNet(p.Value, depth + 1);
                    }

                    return r;
                }

            case PyDateTime dt:
                return dt.Value;
            case PyDate date:
                return date.Value;
            case PyTimeDelta td:
                return td.Value;
            case Recordset rs:
                return new ScriptRecordSet(rs.Model, rs.Ids);
            case PyExceptionObject e:
                return e.Message(null);
            case PyRange or PyIterator or PyDictView:
                return ((PyObject)value).Iterate(null!).Select(x => ToDotNet(x, depth + 1)).ToList();
            case PyObject o:
                return o.Repr();
            default:
                return value.ToString();
        }
    }

    private static object? ToPython(object? value, EnvObject? env, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ScriptRuntimeException("RecursionError", "value nested too deeply to convert", 0);
        }

        switch (value)
        {
            case null:
                return null;
            case string or bool or double or BigInteger:
                return value;
            case long l:
                return Ops.Box(l);
            case int i:
                return Ops.Box(i);
            case short or byte or sbyte or ushort or uint:
                return Ops.Box(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            case ulong ul:
                return ul <= long.MaxValue ? Ops.Box((long)ul) : new BigInteger(ul);
            case float f:
                return (double)f;
            case decimal m:
                return (double)m;
            case DateTime dt:
                return new PyDateTime(dt);
            case DateTimeOffset dto:
                return new PyDateTime(dto.UtcDateTime);
            case DateOnly d:
                return new PyDate(d);
            case TimeSpan ts:
                return new PyTimeDelta(ts);
            case JsonElement je:
                return FromJson(je, depth);
            case ScriptRecordSet rs:
                if (env == null)
                {
                    throw new InvalidOperationException("a record set value needs ScriptContext.Environment");
                }

                return new Recordset(env, rs.Model, [.. rs.Ids]);
            case PyObject:
                return value;
            case object?[] arr:
                return new PyTuple(arr.Select(x => ToPython(x, env, depth + 1)).ToArray());
            case IDictionary dict:
                {
                    var d = new PyDict();
                    foreach (DictionaryEntry e in dict)
                    {
                        d.Set(ToPython(e.Key, env, depth + 1), ToPython(e.Value, env, depth + 1));
                    }

                    return d;
                }

            case IEnumerable seq:
                {
                    var l = new List<object?>();
                    foreach (var x in seq)
                    {
                        l.Add(ToPython(x, env, depth + 1));
                    }

                    return new PyList(l);
                }

            default:
                throw new ArgumentException($"values of type {value.GetType().Name} cannot be passed to a script");
        }
    }

    private static object? FromJson(JsonElement e, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ScriptRuntimeException("RecursionError", "value nested too deeply to convert", 0);
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var d = new PyDict();
                    foreach (var p in e.EnumerateObject())
                    {
                        d.Set(p.Name, FromJson(p.Value, depth + 1));
                    }

                    return d;
                }

            case JsonValueKind.Array:
                return new PyList(e.EnumerateArray().Select(x => FromJson(x, depth + 1)).ToList());
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var l))
                {
                    return Ops.Box(l);
                }

                var raw = e.GetRawText();
                if (!raw.Contains('.', StringComparison.Ordinal) && !raw.Contains('e', StringComparison.OrdinalIgnoreCase))
                {
                    return Ops.Int(BigInteger.Parse(raw, System.Globalization.CultureInfo.InvariantCulture));
                }

                return e.GetDouble();
            case JsonValueKind.True:
                return Ops.True;
            case JsonValueKind.False:
                return Ops.False;
            default:
                return null;
        }
    }
}
