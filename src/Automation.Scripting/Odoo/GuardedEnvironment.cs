using Automation.Scripting.Runtime;

namespace Automation.Scripting.Odoo;

/// <summary>
/// Wraps the record store so that its argument and lookup errors become Python exceptions a script can catch
/// (ValueError for invalid domains or values, MissingError for deleted records), as Odoo raises them.
/// </summary>
internal sealed class GuardedEnvironment(IScriptEnvironment inner) : IScriptEnvironment
{
    public IScriptEnvironment Inner { get; } = inner;

    public long Uid => Inner.Uid;

    private static T Guard<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (KeyNotFoundException e)
        {
            throw PyException.Make(PyExceptionType.MissingError, e.Message);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or InvalidCastException or OverflowException)
        {
            throw PyException.ValueError(e.Message);
        }
    }

    public ScriptModel? GetModel(string model) => Guard(() => Inner.GetModel(model));

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(string model, IReadOnlyList<long> ids, IReadOnlyCollection<string>? fields) =>
        Guard(() => Inner.Read(model, ids, fields));

    public IReadOnlyList<long> Search(string model, IReadOnlyList<object?> domain, int offset, int? limit, string? order) =>
        Guard(() => Inner.Search(model, domain, offset, limit, order));

    public long SearchCount(string model, IReadOnlyList<object?> domain) => Guard(() => Inner.SearchCount(model, domain));

    public IReadOnlyList<long> Create(string model, IReadOnlyList<IReadOnlyDictionary<string, object?>> values) =>
        Guard(() => Inner.Create(model, values));

    public void Write(string model, IReadOnlyList<long> ids, IReadOnlyDictionary<string, object?> values) =>
        Guard(() =>
        {
            Inner.Write(model, ids, values);
            return 0;
        });

    public void Unlink(string model, IReadOnlyList<long> ids) =>
        Guard(() =>
        {
            Inner.Unlink(model, ids);
            return 0;
        });

    public IReadOnlyList<long> Exists(string model, IReadOnlyList<long> ids) => Guard(() => Inner.Exists(model, ids));

    public long MessagePost(string model, long id, IReadOnlyDictionary<string, object?> values) =>
        Guard(() => Inner.MessagePost(model, id, values));
}
