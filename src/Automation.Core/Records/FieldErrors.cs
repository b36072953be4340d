namespace Automation.Core.Records;

/// <summary>
/// Validation errors keyed by field (or by a path such as <c>fields.partner_id.relation</c>), in the shape of the
/// <c>errors</c> object of RFC 7807 problem details (API.md "Authentication": errors keyed by field).
/// User input never throws; parsers and validators collect into this instead.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public int Count => _errors.Count;

    /// <summary>The keys in the order they were first reported.</summary>
    public IEnumerable<string> Keys => _errors.Keys;

    public bool Contains(string key) => _errors.ContainsKey(key);

    /// <summary>The messages for a key; empty when there are none.</summary>
    public IReadOnlyList<string> this[string key] => _errors.TryGetValue(key, out var list) ? list : [];

    public void Add(string key, string message)
    {
        if (!_errors.TryGetValue(key, out var list))
        {
            list = [];
            _errors.Add(key, list);
        }

        if (!list.Contains(message, StringComparer.Ordinal))
        {
            list.Add(message);
        }
    }

    /// <summary>Copies every error of <paramref name="other"/>, each key prefixed with <paramref name="prefix"/>.</summary>
    public void AddRange(FieldErrors other, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, messages) in other._errors)
        {
            foreach (var message in messages)
            {
                Add(prefix + key, message);
            }
        }
    }

    /// <summary>The errors as problem details expect them (<c>ValidationProblemDetails.Errors</c>, <c>RecordValidationException</c>).</summary>
    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public override string ToString() =>
        string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
