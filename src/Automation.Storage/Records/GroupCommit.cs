using System.Collections.Concurrent;
using System.Threading.Channels;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Records;

/// <summary>
/// Combines concurrent commits to one partition into one entity-group transaction. A model's records share a
/// partition, so concurrent creates and writes of a model, each a record plus its pending event, can go together: while
/// one transaction is in flight the next ones queue up and leave as one (no added wait when idle). Up to 100 entities a
/// transaction, each entity at most once. If a combined transaction fails, every commit in it is retried alone, so a
/// stale ETag or a duplicate fails only its own commit. A commit of one operation that goes alone is sent as that plain
/// operation (insert, upsert, update, delete), with its plain errors.
/// </summary>
public sealed class GroupCommit(TableClient table) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Commits <paramref name="actions"/> (one partition) atomically; returns their ETags in order.</summary>
    public async Task<IReadOnlyList<ETag>> CommitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actions);
        TableTransaction.Validate(actions);
        var pending = new PendingCommit(actions);
        var lane = _lanes.GetOrAdd(actions[0].Entity.PartitionKey, partition => new Lane(table));
        lane.Enqueue(pending);
        using (cancellationToken.Register(() => pending.Done.TrySetCanceled(cancellationToken)))
        {
            return await pending.Done.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes.Values)
        {
            await lane.DisposeAsync();
        }
    }

    private sealed class PendingCommit(IReadOnlyList<TableTransactionAction> actions)
    {
        public IReadOnlyList<TableTransactionAction> Actions { get; } = actions;

        public TaskCompletionSource<IReadOnlyList<ETag>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lane : IAsyncDisposable
    {
        private readonly TableClient _table;
        private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _worker;
        private PendingCommit? _carry;

        public Lane(TableClient table)
        {
            _table = table;
            _worker = Task.Run(WorkAsync);
        }

        public void Enqueue(PendingCommit commit) => _queue.Writer.TryWrite(commit);

        public async ValueTask DisposeAsync()
        {
            _queue.Writer.TryComplete();
            await _worker;
        }

        private async Task WorkAsync()
        {
            while (_carry is not null || await _queue.Reader.WaitToReadAsync())
            {
                var group = new List<PendingCommit>();
                var rows = new HashSet<string>(StringComparer.Ordinal);
                var size = 0;
                while (true)
                {
                    var next = _carry;
                    _carry = null;
                    if (next is null && !_queue.Reader.TryRead(out next))
                    {
                        break;
                    }

                    if (size + next.Actions.Count > TableTransaction.MaxOperations || next.Actions.Any(a => rows.Contains(a.Entity.RowKey)))
                    {
                        _carry = next; // starts the next group
                        break;
                    }

                    group.Add(next);
                    size += next.Actions.Count;
                    rows.UnionWith(next.Actions.Select(a => a.Entity.RowKey));
                }

                if (group.Count > 0)
                {
                    await SubmitAsync(group);
                }
            }
        }

        private async Task SubmitAsync(List<PendingCommit> group)
        {
            if (group.Count == 1)
            {
                await SubmitAloneAsync(group[0]);
                return;
            }

            try
            {
                var etags = await _table.SubmitTransactionAsync(group.SelectMany(c => c.Actions).ToList(), CancellationToken.None);
                var offset = 0;
                foreach (var commit in group)
                {
                    commit.Done.TrySetResult(etags.Skip(offset).Take(commit.Actions.Count).ToList());
                    offset += commit.Actions.Count;
                }
            }
            catch (RequestFailedException)
            {
                // One commit spoiled the group (a stale ETag, a duplicate): nothing was applied; retry each alone.
                foreach (var commit in group)
                {
                    await SubmitAloneAsync(commit);
                }
            }
            catch (Exception e) when (StorageFailure.IsStorageFailure(e))
            {
                foreach (var commit in group)
                {
                    commit.Done.TrySetException(e);
                }
            }
        }

        private async Task SubmitAloneAsync(PendingCommit commit)
        {
            try
            {
                commit.Done.TrySetResult(commit.Actions.Count == 1
                    ? [await SubmitPlainAsync(commit.Actions[0])]
                    : await _table.SubmitTransactionAsync(commit.Actions, CancellationToken.None));
            }
            catch (Exception e)
            {
                commit.Done.TrySetException(e);
            }
        }

        private async Task<ETag> SubmitPlainAsync(TableTransactionAction action)
        {
            var entity = action.Entity;
            switch (action.ActionType)
            {
                case TableTransactionActionType.Add:
                    return entity.ETag = await _table.AddEntityAsync(entity, CancellationToken.None);
                case TableTransactionActionType.UpsertMerge or TableTransactionActionType.UpsertReplace:
                    return entity.ETag = await _table.UpsertEntityAsync(entity,
                        action.ActionType == TableTransactionActionType.UpsertMerge ? TableUpdateMode.Merge : TableUpdateMode.Replace, CancellationToken.None);
                case TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpdateReplace:
                    return entity.ETag = await _table.UpdateEntityAsync(entity, action.ETag == default ? ETag.All : action.ETag,
                        action.ActionType == TableTransactionActionType.UpdateMerge ? TableUpdateMode.Merge : TableUpdateMode.Replace, CancellationToken.None);
                default:
                    if (!await _table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, action.ETag, CancellationToken.None))
                    {
                        throw new RequestFailedException(404, $"The entity ({entity.PartitionKey}, {entity.RowKey}) to delete does not exist.",
                            "ResourceNotFound", null);
                    }

                    return default;
            }
        }
    }
}
