namespace Automation.Core.Records;

/// <summary>The record does not exist (HTTP 404).</summary>
public sealed class RecordNotFoundException(string model, long id)
    : Exception($"{model} record {id} does not exist.")
{
    public string Model { get; } = model;

    public long Id { get; } = id;
}

/// <summary>The caller's version is stale (HTTP 412): someone else wrote the record since it was read.</summary>
public sealed class RecordConflictException(string model, long id)
    : Exception($"{model} record {id} was changed by someone else since it was read; read it again and retry.")
{
    public string Model { get; } = model;

    public long Id { get; } = id;
}

/// <summary>Values that cannot be stored, keyed by field (HTTP 400 problem details with <c>errors</c>).</summary>
public sealed class RecordValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The record is not valid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
