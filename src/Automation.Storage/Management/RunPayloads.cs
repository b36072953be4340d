using System.Globalization;
using System.Text;
using Automation.Storage.Records;
using Automation.Storage.Tables;

namespace Automation.Storage.Management;

/// <summary>
/// The payloads of failed webhook calls, kept so the call can be replayed once its rule is fixed (the queue message and
/// its claim check are gone by then). Table <c>runpayloads</c>: partition = rule id, RowKey = the run's key and a chunk
/// number, so payloads sort like runs (newest first) and age out with them by the same range delete.
/// </summary>
public sealed class RunPayloads(TableClient table)
{
    public const string TableName = "runpayloads";

    /// <summary>Characters per entity: under the 1 MiB entity limit even when every character is JSON-escaped.</summary>
    private const int CharsPerEntity = 5 * ChunkedText.ChunkChars;

    public async Task SaveAsync(long ruleId, string runKey, string payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var actions = new List<TableTransactionAction>();
        for (var i = 0; i * CharsPerEntity < payload.Length || i == 0; i++)
        {
            var entity = new TableEntity(TableRunLog.Partition(ruleId), Row(runKey, i));
            ChunkedText.Write(entity, payload.Substring(i * CharsPerEntity, Math.Min(CharsPerEntity, payload.Length - (i * CharsPerEntity))));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        await table.SubmitTransactionAsync(actions, cancellationToken);
    }

    public async Task<string?> GetAsync(long ruleId, string runKey, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var found = false;
        var filter = $"PartitionKey eq '{TableRunLog.Partition(ruleId)}' and RowKey ge {TableKeys.Quote(runKey + "~")} and RowKey lt {TableKeys.Quote(runKey + "~~")}";
        await foreach (var entity in table.QueryAsync(filter, cancellationToken: cancellationToken))
        {
            text.Append(ChunkedText.Read(entity));
            found = true;
        }

        return found ? text.ToString() : null;
    }

    private static string Row(string runKey, int chunk) => runKey + "~" + chunk.ToString("D3", CultureInfo.InvariantCulture);
}
