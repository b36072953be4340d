namespace Automation.Scripting.Odoo;

/// <summary>
/// The record store behind <c>env</c> (spec §5.1). Implemented by the storage layer; the interpreter calls it
/// synchronously (Azure SDK table clients have synchronous methods, so no sync-over-async is needed).
/// Values crossing this boundary are .NET values: string, long, double, bool, null, DateTime (datetime fields),
/// DateOnly (date fields); many2one as the related id (long) or null; one2many/many2many as IReadOnlyList&lt;long&gt;
/// when read, and as Odoo command lists (List of object?[] like {0L, 0L, vals}) or id lists when written.
/// </summary>
public interface IScriptEnvironment
{
    /// <summary>The user running the code (<c>uid</c>); <c>user</c> is that record of res.users.</summary>
    long Uid { get; }

    /// <summary>Model metadata, or null when the model does not exist (<c>env['x']</c> raises KeyError).</summary>
    ScriptModel? GetModel(string model);

    /// <summary>Reads records; rows come back in the order of <paramref name="ids"/>, missing ids are skipped.
    /// Every row contains "id". <paramref name="fields"/> null means all fields.</summary>
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(string model, IReadOnlyList<long> ids, IReadOnlyCollection<string>? fields);

    /// <summary>Searches with an Odoo domain: a list whose items are "&amp;", "|", "!" or object?[] {field, operator, value}.</summary>
    IReadOnlyList<long> Search(string model, IReadOnlyList<object?> domain, int offset, int? limit, string? order);

    long SearchCount(string model, IReadOnlyList<object?> domain);

    /// <summary>Creates records (one per values dictionary) and returns their ids in order.</summary>
    IReadOnlyList<long> Create(string model, IReadOnlyList<IReadOnlyDictionary<string, object?>> values);

    void Write(string model, IReadOnlyList<long> ids, IReadOnlyDictionary<string, object?> values);

    void Unlink(string model, IReadOnlyList<long> ids);

    /// <summary>The subset of <paramref name="ids"/> that still exist, in order.</summary>
    IReadOnlyList<long> Exists(string model, IReadOnlyList<long> ids);

    /// <summary><c>record.message_post(body=..., subject=..., message_type=..., ...)</c>; returns the message id.</summary>
    long MessagePost(string model, long id, IReadOnlyDictionary<string, object?> values);
}

public enum ScriptFieldType
{
    Char,
    Text,
    Html,
    Integer,
    Float,
    Monetary,
    Boolean,
    Date,
    Datetime,
    Selection,
    Many2one,
    One2many,
    Many2many,
    Json,
    Binary,
}

/// <summary>A field of a model; <see cref="Relation"/> is the comodel of relational fields.</summary>
public sealed record ScriptField(string Name, ScriptFieldType Type, string? Relation = null)
{
    public bool IsRelational => Type is ScriptFieldType.Many2one or ScriptFieldType.One2many or ScriptFieldType.Many2many;
}

/// <summary>Model metadata: name and fields (without "id", which every model has).</summary>
public sealed record ScriptModel(string Name, IReadOnlyDictionary<string, ScriptField> Fields)
{
    public ScriptModel(string name, params ScriptField[] fields)
        : this(name, fields.ToDictionary(f => f.Name, StringComparer.Ordinal))
    {
    }
}

/// <summary>A record set value crossing the boundary (e.g. the record getter's result).</summary>
public sealed record ScriptRecordSet(string Model, IReadOnlyList<long> Ids)
{
    public bool Equals(ScriptRecordSet? other) => other is not null && other.Model == Model && other.Ids.SequenceEqual(Ids);

    public override int GetHashCode() => HashCode.Combine(Model, Ids.Count);

    public override string ToString() => $"{Model}({string.Join(", ", Ids)}{(Ids.Count == 1 ? "," : "")})";
}
