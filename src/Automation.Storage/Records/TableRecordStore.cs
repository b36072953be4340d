using System.Text.Json.Nodes;
using Automation.Core.Diagnostics;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Storage.Tables;
using Azure;
using Microsoft.Extensions.Logging;

namespace Automation.Storage.Records;

/// <summary>
/// Records in Table Storage (<see cref="RecordEntities"/>), each change committed in one entity-group transaction
/// with its pending change event (<see cref="PendingEvents"/>), then published. Writes read the current entity and
/// replace it guarded by its ETag; without a caller's version a lost race is retried, with one it is a conflict.
/// A write starts from the version this instance itself committed last, when it has it (a rule's action right after
/// the API write that triggered it, say): the ETag still guards it, and a stale guess costs one retry after a read.
/// </summary>
public sealed class TableRecordStore(
    TableClient records,
    IdAllocator ids,
    PendingEvents events,
    EventPublisher publisher,
    GroupCommit commits,
    SequenceNumbers sequences,
    IModelRegistry models,
    TimeProvider time,
    ILogger<TableRecordStore> logger) : IRecordStore
{
    private const int MaxAttempts = 50;

    /// <summary>Versions this instance committed last, kept at most; past this the memory starts over.</summary>
    public const int RecentCapacity = 10_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Model, long Id), Recent> _recent = new();

    /// <summary>Writes of each record in progress here; a remembered version is only bet on by a lone writer.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Model, long Id), int> _writing = new();

    public async Task<RecordData?> FindAsync(ModelDefinition model, long id, CancellationToken cancellationToken)
    {
        if (id <= 0)
        {
            return null;
        }

        var entity = await records.GetEntityIfExistsAsync(model.Name, RecordEntities.RowKey(id), cancellationToken);
        return entity is null ? null : RecordEntities.FromEntity(model, entity);
    }

    public async Task<IReadOnlyList<RecordData>> FindManyAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(ids.Distinct().Select(id => FindAsync(model, id, cancellationToken)));
        var byId = found.OfType<RecordData>().ToDictionary(r => r.Id);
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }

    public async Task<RecordData> CreateAsync(ModelDefinition model, IReadOnlyDictionary<string, object?> values, ChangeContext context,
        CancellationToken cancellationToken, long? id = null)
    {
        var complete = new Dictionary<string, object?>(values, StringComparer.Ordinal);
        foreach (var field in SequenceNumbers.SequencedFields(model))
        {
            string? number;
            try
            {
                number = FieldValues.IsMissing(field, complete.GetValueOrDefault(field.Name))
                    ? await sequences.NextAsync(field.Sequence!, cancellationToken)
                    : null;
            }
            catch (Core.Sequences.SequenceException e)
            {
                throw new RecordValidationException(new Dictionary<string, string[]> { [field.Name] = [e.Message] });
            }

            if (number is not null)
            {
                complete[field.Name] = number;
            }
        }

        await CheckRelationsAsync(model, complete, cancellationToken);
        long recordId;
        if (id is { } explicitId)
        {
            await ids.ReserveThroughAsync(model.Name, explicitId, cancellationToken);
            recordId = explicitId;
        }
        else
        {
            recordId = await ids.NextAsync(model.Name, cancellationToken);
        }

        var now = Now();
        var record = new RecordData(model.Name, recordId, complete) { CreateDate = now, WriteDate = now };
        var change = NewEvent(ChangeKind.Create, model, recordId, context, null, Image(model, record),
            model.Fields.Where(f => f.IsStored && !FieldValues.IsMissing(f, complete.GetValueOrDefault(f.Name))).Select(f => f.Name).ToList());
        var etags = await CommitAsync(model, recordId,
        [
            new TableTransactionAction(TableTransactionActionType.Add, RecordEntities.ToEntity(model, recordId, complete, now, now)),
            new TableTransactionAction(TableTransactionActionType.Add, events.ToEntity(change)),
        ], cancellationToken);
        Remember(model, record, etags[0]);
        await PublishAsync(change, context);
        return record with { ETag = etags[0].ToString() };
    }

    public async Task<RecordData> WriteAsync(ModelDefinition model, long id, IReadOnlyDictionary<string, object?> values, string? ifMatch,
        ChangeContext context, CancellationToken cancellationToken)
    {
        await CheckRelationsAsync(model, values, cancellationToken);
        using var writing = Writing(model, id);
        for (var attempt = 1; ; attempt++)
        {
            var (etag, before, guessed) = await ReadForUpdateAsync(model, id, ifMatch, attempt, cancellationToken);
            var merged = new Dictionary<string, object?>(before.Values, StringComparer.Ordinal);
            foreach (var (name, value) in values)
            {
                merged[name] = value;
            }

            var now = Now();
            var after = new RecordData(model.Name, id, merged) { CreateDate = before.CreateDate, WriteDate = now };
            var changed = model.Fields
                .Where(f => f.IsStored && values.ContainsKey(f.Name) && !FieldValues.AreEqual(f, before[f.Name], after[f.Name]))
                .Select(f => f.Name)
                .ToList();
            var change = NewEvent(ChangeKind.Write, model, id, context, Image(model, before), Image(model, after), changed);
            try
            {
                var etags = await CommitAsync(model, id,
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace,
                        RecordEntities.ToEntity(model, id, merged, before.CreateDate, now), etag),
                    new TableTransactionAction(TableTransactionActionType.Add, events.ToEntity(change)),
                ], cancellationToken);
                Remember(model, after, etags[0]);
                await PublishAsync(change, context);
                return after with { ETag = etags[0].ToString() };
            }
            catch (RecordConflictException) when (guessed)
            {
                // Our remembered version was not the latest (another instance wrote): read it and try again at once.
            }
            catch (RecordConflictException) when (ifMatch is null && attempt < MaxAttempts)
            {
                // Someone wrote in between and the caller did not pin a version: apply the change to the new state,
                // after a jittered pause so contending writers spread out instead of colliding again.
                await BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    public async Task DeleteAsync(ModelDefinition model, long id, string? ifMatch, ChangeContext context, CancellationToken cancellationToken)
    {
        using var writing = Writing(model, id);
        for (var attempt = 1; ; attempt++)
        {
            var (etag, before, guessed) = await ReadForUpdateAsync(model, id, ifMatch, attempt, cancellationToken);

            // The event's before-image is the tombstone on-deletion rules see once the record is gone.
            var change = NewEvent(ChangeKind.Unlink, model, id, context, Image(model, before), null, []);
            try
            {
                await CommitAsync(model, id,
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(model.Name, RecordEntities.RowKey(id)), etag),
                    new TableTransactionAction(TableTransactionActionType.Add, events.ToEntity(change)),
                ], cancellationToken);
                _recent.TryRemove((model.Name, id), out _);
                await PublishAsync(change, context);
                return;
            }
            catch (RecordConflictException) when (guessed)
            {
                // Not the latest version after all: read it and try again at once.
            }
            catch (RecordConflictException) when (ifMatch is null && attempt < MaxAttempts)
            {
                // Changed in between: delete the newer version.
                await BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    public async Task<RecordPage> ListAsync(ModelDefinition model, string? storageFilter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var filter = RecordEntities.ModelFilter(model.Name) + (string.IsNullOrWhiteSpace(storageFilter) ? "" : $" and ({storageFilter})");
        var continuation = cursor is null ? null : Cursor.Decode(cursor);
        await foreach (var page in records.QueryAsync(filter, Math.Clamp(limit, 1, 1000), cancellationToken: cancellationToken).AsPages(continuation, limit))
        {
            return new RecordPage(page.Values.Select(e => RecordEntities.FromEntity(model, e)).ToList(),
                page.ContinuationToken is null ? null : Cursor.Encode(page.ContinuationToken));
        }

        return new RecordPage([], null);
    }

    /// <summary>
    /// The record and its version to update: on a first attempt the version this instance committed last, if it has
    /// it for this model definition and it is the one the caller pinned (<c>Guessed</c>); otherwise read from storage.
    /// </summary>
    private async Task<(ETag ETag, RecordData Record, bool Guessed)> ReadForUpdateAsync(ModelDefinition model, long id, string? ifMatch,
        int attempt, CancellationToken cancellationToken)
    {
        // Only a lone writer bets: with several writers of one record here, the one that just wrote would win again and
        // again without reading while the others, reading, keep losing the race (starvation).
        if (attempt == 1 && _writing.GetValueOrDefault((model.Name, id)) == 1 &&
            _recent.TryGetValue((model.Name, id), out var recent) && ReferenceEquals(recent.Model, model) &&
            (ifMatch is null || ifMatch == "*" || string.Equals(ifMatch, recent.ETag.ToString(), StringComparison.Ordinal)))
        {
            return (recent.ETag, recent.Record, true);
        }

        var entity = await records.GetEntityIfExistsAsync(model.Name, RecordEntities.RowKey(id), cancellationToken);
        if (entity is null)
        {
            _recent.TryRemove((model.Name, id), out _);
            throw new RecordNotFoundException(model.Name, id);
        }

        if (ifMatch is not null && ifMatch != "*" && !string.Equals(ifMatch, entity.ETag.ToString(), StringComparison.Ordinal))
        {
            throw new RecordConflictException(model.Name, id);
        }

        return (entity.ETag, RecordEntities.FromEntity(model, entity), false);
    }

    private void Remember(ModelDefinition model, RecordData record, ETag etag)
    {
        if (_recent.Count >= RecentCapacity)
        {
            _recent.Clear();
        }

        _recent[(model.Name, record.Id)] = new Recent(model, record, etag);
    }

    private sealed record Recent(ModelDefinition Model, RecordData Record, ETag ETag);

    private WriteInProgress Writing(ModelDefinition model, long id)
    {
        var key = (model.Name, id);
        _writing.AddOrUpdate(key, 1, (_, n) => n + 1);
        return new WriteInProgress(this, key);
    }

    private readonly struct WriteInProgress(TableRecordStore store, (string Model, long Id) key) : IDisposable
    {
        public void Dispose()
        {
            if (store._writing.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0)
            {
                store._writing.TryRemove(new KeyValuePair<(string, long), int>(key, 0));
            }
        }
    }

    private async Task<IReadOnlyList<ETag>> CommitAsync(ModelDefinition model, long id, IReadOnlyList<TableTransactionAction> actions,
        CancellationToken cancellationToken)
    {
        try
        {
            return await commits.CommitAsync(actions, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412 || (e.Status == 404 && e is TableTransactionFailedException { FailedIndex: 0 }))
        {
            throw new RecordConflictException(model.Name, id);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "EntityAlreadyExists")
        {
            throw new RecordValidationException(new Dictionary<string, string[]> { ["id"] = [$"{model.Name} record {id} already exists."] });
        }
        catch (RequestFailedException e) when (e.ErrorCode is "EntityTooLarge" or "PropertyValueTooLarge" or "RequestBodyTooLarge")
        {
            throw new RecordValidationException(new Dictionary<string, string[]>
            {
                [""] = [$"The record is too large to store: {e.Message} (a record holds at most 1 MiB, a text value at most 64 KiB)."],
            });
        }
    }

    private async Task PublishAsync(ChangeEvent change, ChangeContext context)
    {
        context.OnCommitted?.Invoke(change);
        if (context.HandledInline)
        {
            return;
        }

        try
        {
            await publisher.PublishAsync(change);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The change is committed with its pending event; the sweeper will publish it. The write succeeded.
            logger.LogWarning(e, "Publishing change event {EventId} of {Model} {RecordId} failed; the sweeper will re-send it",
                change.Id, change.Model, change.RecordId);
        }
    }

    /// <summary>many2one and many2many values must name existing records (API.md: "relation to a missing record").</summary>
    private async Task CheckRelationsAsync(ModelDefinition model, IReadOnlyDictionary<string, object?> values, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (model.Field(name) is not { Relation: { } relation } field || !field.IsStored)
            {
                continue;
            }

            var wanted = value switch
            {
                long one => [one],
                IReadOnlyList<long> many => many,
                _ => [],
            };
            if (wanted.Count == 0)
            {
                continue;
            }

            var target = await models.FindAsync(relation, cancellationToken)
                ?? throw new InvalidOperationException($"Field {model.Name}.{name} relates to the unknown model {relation}.");
            var found = (await FindManyAsync(target, wanted, cancellationToken)).Select(r => r.Id).ToHashSet();
            var missing = wanted.Where(i => !found.Contains(i)).ToList();
            if (missing.Count > 0)
            {
                errors[name] = [$"{relation} record{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} do{(missing.Count > 1 ? "" : "es")} not exist."];
            }
        }

        if (errors.Count > 0)
        {
            throw new RecordValidationException(errors);
        }
    }

    private ChangeEvent NewEvent(ChangeKind kind, ModelDefinition model, long id, ChangeContext context, JsonObject? before, JsonObject? after,
        IReadOnlyList<string> changed) => new()
        {
            Id = events.NewEventId(),
            Kind = kind,
            Model = model.Name,
            RecordId = id,
            Before = before,
            After = after,
            Changed = changed,
            Actor = context.Actor,
            Chain = context.Chain,
            At = Now(),
            TraceParent = AutomationTelemetry.CurrentTraceParent(),
        };

    private static JsonObject Image(ModelDefinition model, RecordData record) =>
        RecordJson.ToJson(model, record, null, record[model.RecName] as string);

    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 20))), cancellationToken);

    private DateTime Now()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)); // Odoo keeps whole seconds
    }

    /// <summary>Listing cursors: the storage continuation, opaque and URL-safe.</summary>
    private static class Cursor
    {
        public static string Encode(string continuation) =>
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(continuation)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static string Decode(string cursor)
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            try
            {
                return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            }
            catch (FormatException)
            {
                throw new RecordValidationException(new Dictionary<string, string[]> { ["cursor"] = ["The cursor is not one this API returned."] });
            }
        }
    }
}
