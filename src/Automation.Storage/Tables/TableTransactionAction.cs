using Azure;

namespace Automation.Storage.Tables;

public enum TableTransactionActionType
{
    Add,
    UpdateMerge,
    UpdateReplace,
    UpsertMerge,
    UpsertReplace,
    Delete,
}

/// <summary>One operation of an entity-group transaction; Update and Delete use <see cref="ETag"/> (default: any).</summary>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, TableEntity Entity, ETag ETag = default);

/// <summary>A transaction the service refused as a whole; nothing of it was applied.</summary>
public sealed class TableTransactionFailedException(int status, string message, string? errorCode, int? failedIndex)
    : RequestFailedException(status, message, errorCode, null)
{
    /// <summary>Zero-based index of the operation the service blamed, when it said.</summary>
    public int? FailedIndex { get; } = failedIndex;
}
