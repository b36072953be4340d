using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Core.Records;
using Automation.Storage.Records;
using Automation.Testing;

namespace Automation.Storage.Tests.Records;

[Collection(AzuriteCollection.Name)]
public sealed class TableRecordStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static ChangeContext Ctx => ChangeContext.External();

    [Fact]
    public async Task Create_CommitsRecordAndPublishesCreateEvent_WithNoPendingEntityLeft()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var partner = await h.ModelAsync("res.partner");

        var created = await h.Service.CreateAsync(partner, JsonNode.Parse("""{"name":"Azure Interior","email":"info@azure.example"}"""), Ctx, None);
        var events = await h.DrainEventsAsync();

        var change = Assert.Single(events);
        Assert.Equal(1, created.Id);
        Assert.Equal(ChangeKind.Create, change.Kind);
        Assert.Null(change.Before);
        Assert.Equal("Azure Interior", change.After!["name"]!.GetValue<string>());
        Assert.Contains("email", change.Changed);
        Assert.Equal(0, await h.CountPendingAsync("res.partner"));
        Assert.Equal("Azure Interior", (await h.Store.FindAsync(partner, 1, None))!["name"]);
    }

    [Fact]
    public async Task Ids_AreSequentialForAQuietCreator_AndUniqueUnderConcurrency()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var tag = await h.ModelAsync("res.partner.category");

        var first = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            first.Add((await h.Service.CreateAsync(tag, JsonNode.Parse($$"""{"name":"t{{i}}"}"""), Ctx, None)).Id);
            await Task.Delay(1100); // a slow creator keeps blocks of one id
        }

        var concurrent = new ConcurrentBag<long>();
        await Parallel.ForAsync(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            concurrent.Add((await h.Service.CreateAsync(tag, JsonNode.Parse($$"""{"name":"c{{i}}"}"""), Ctx, ct)).Id));

        Assert.Equal([1L, 2, 3], first);
        Assert.Equal(40, concurrent.Distinct().Count());
        Assert.All(concurrent, id => Assert.True(id > 3));
    }

    [Fact]
    public async Task Write_WithStaleVersion_IsAConflict_AndChangesNothing()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var partner = await h.ModelAsync("res.partner");
        var created = await h.Service.CreateAsync(partner, JsonNode.Parse("""{"name":"A"}"""), Ctx, None);
        await h.Service.WriteAsync(partner, created.Id, JsonNode.Parse("""{"name":"B"}"""), created.ETag, Ctx, None);

        await Assert.ThrowsAsync<RecordConflictException>(() =>
            h.Service.WriteAsync(partner, created.Id, JsonNode.Parse("""{"name":"C"}"""), created.ETag, Ctx, None));

        Assert.Equal("B", (await h.Store.FindAsync(partner, created.Id, None))!["name"]);
    }

    [Fact]
    public async Task ConcurrentIncrements_WithClientRetryOnConflict_LoseNoUpdate()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var model = RecordStoreHarness.Everything;
        var created = await h.Service.CreateAsync(model, JsonNode.Parse("""{"name":"counter","count":0}"""), Ctx, None);

        await Parallel.ForAsync(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            while (true)
            {
                var current = (await h.Store.FindAsync(model, created.Id, ct))!;
                try
                {
                    await h.Store.WriteAsync(model, created.Id, new Dictionary<string, object?> { ["count"] = (long)current["count"]! + 1 },
                        current.ETag, Ctx, ct);
                    return;
                }
                catch (RecordConflictException)
                {
                    // stale: read again and retry, as an API client does on 412
                }
            }
        });

        Assert.Equal(100L, (await h.Store.FindAsync(model, created.Id, None))!["count"]);
    }

    [Fact]
    public async Task EveryFieldType_WriteEvent_CarriesBeforeAfterAndOnlyRealChanges()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var partner = await h.Service.CreateAsync(await h.ModelAsync("res.partner"), JsonNode.Parse("""{"name":"P"}"""), Ctx, None);
        var tag = await h.Service.CreateAsync(await h.ModelAsync("res.partner.category"), JsonNode.Parse("""{"name":"T"}"""), Ctx, None);
        var model = RecordStoreHarness.Everything;
        var record = await h.Service.CreateAsync(model, JsonNode.Parse("""{"name":"n","count":1,"state":"draft"}"""), Ctx, None);
        await h.DrainEventsAsync();

        var writes = new (string Field, string Json, JsonNode? Expected)[]
        {
            ("name", "\"renamed\"", "renamed"), ("notes", "\"long\\ntext\"", "long\ntext"), ("body", "\"<p>x</p>\"", "<p>x</p>"),
            ("count", "2", 2), ("ratio", "0.5", 0.5), ("amount", "12.25", 12.25), ("flag", "true", true),
            ("day", "\"2026-11-22\"", "2026-11-22"), ("moment", "\"2026-11-22 09:00:00\"", "2026-11-22T09:00:00Z"),
            ("state", "\"done\"", "done"), ("partner_id", partner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), partner.Id),
            ("tag_ids", $"[{tag.Id}]", new JsonArray(tag.Id)), ("data", """{"k":[1,2]}""", JsonNode.Parse("""{"k":[1,2]}""")),
        };
        foreach (var (field, json, expected) in writes)
        {
            await h.Service.WriteAsync(model, record.Id, JsonNode.Parse($$"""{"{{field}}":{{json}}}"""), null, Ctx, None);
        }

        await h.Service.WriteAsync(model, record.Id, JsonNode.Parse("""{"count":2,"name":"renamed"}"""), null, Ctx, None); // no real change
        var events = (await h.DrainEventsAsync()).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();

        Assert.Equal(writes.Length + 1, events.Count);
        for (var i = 0; i < writes.Length; i++)
        {
            var (field, _, expected) = writes[i];
            Assert.Equal(ChangeKind.Write, events[i].Kind);
            Assert.Equal([field], events[i].Changed);
            Assert.True(JsonNode.DeepEquals(expected, events[i].After![field]), $"{field}: after was {events[i].After![field]?.ToJsonString()}");
            Assert.False(JsonNode.DeepEquals(events[i].Before![field], events[i].After![field]), $"{field}: before equals after");
        }

        Assert.Empty(events[^1].Changed);
    }

    [Fact]
    public async Task Delete_PublishesUnlinkEventWithTheRecordAsItWas()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var partner = await h.ModelAsync("res.partner");
        var created = await h.Service.CreateAsync(partner, JsonNode.Parse("""{"name":"Gone Soon","email":"g@x.example"}"""), Ctx, None);
        await h.DrainEventsAsync();

        await h.Service.DeleteAsync(partner, created.Id, null, Ctx, None);
        var change = Assert.Single(await h.DrainEventsAsync());

        Assert.Equal(ChangeKind.Unlink, change.Kind);
        Assert.Null(change.After);
        Assert.Equal("g@x.example", change.Before!["email"]!.GetValue<string>());
        Assert.Null(await h.Store.FindAsync(partner, created.Id, None));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => h.Service.DeleteAsync(partner, created.Id, null, Ctx, None));
    }

    [Fact]
    public async Task CrashBetweenCommitAndEnqueue_ThousandWrites_SweeperDeliversEveryEventExactlyOnce()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var model = RecordStoreHarness.Everything;
        var created = await h.Service.CreateAsync(model, JsonNode.Parse("""{"name":"victim","count":0}"""), Ctx, None);
        await h.DrainEventsAsync();
        var random = new Random(42);
        var killed = 0;
        h.Publisher.AfterCommit = _ =>
        {
            lock (random)
            {
                if (random.NextDouble() < 0.3)
                {
                    killed++;
                    throw new InvalidOperationException("injected crash after commit");
                }
            }

            return Task.CompletedTask;
        };

        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await h.Store.WriteAsync(model, created.Id, new Dictionary<string, object?> { ["name"] = $"v{i}" }, null, Ctx, ct));
        h.Publisher.AfterCommit = null;
        await h.Publisher.FlushAsync();
        var pendingBeforeSweep = await h.CountPendingAsync(model.Name);
        var resent = await h.Events.SweepAsync([model.Name], TimeSpan.Zero, None);
        var delivered = await h.DrainEventsAsync();

        Assert.True(killed > 200, $"only {killed} injected crashes");
        Assert.Equal(killed, pendingBeforeSweep);
        Assert.Equal(killed, resent);
        Assert.Equal(1000, delivered.Count);
        Assert.Equal(1000, delivered.Select(e => e.Id).Distinct().Count());
        Assert.Equal(0, await h.CountPendingAsync(model.Name));
    }

    [Fact]
    public async Task WriteAfterOwnWrite_WhenAnotherInstanceWroteBetween_RetriesFromTheLatestVersion()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var model = RecordStoreHarness.Everything;
        var other = h.SecondInstance();
        var created = await h.Store.CreateAsync(model, new Dictionary<string, object?> { ["name"] = "a", ["count"] = 1L }, Ctx, None);
        await h.Store.WriteAsync(model, created.Id, new Dictionary<string, object?> { ["count"] = 2L }, null, Ctx, None); // remembered here
        await other.WriteAsync(model, created.Id, new Dictionary<string, object?> { ["name"] = "b" }, null, Ctx, None);
        await h.DrainEventsAsync();

        var last = await h.Store.WriteAsync(model, created.Id, new Dictionary<string, object?> { ["count"] = 3L }, null, Ctx, None);
        var change = Assert.Single(await h.DrainEventsAsync());
        var stored = await h.Store.FindAsync(model, created.Id, None);

        Assert.Equal("b", change.Before!["name"]!.GetValue<string>()); // the other instance's write, not the remembered version
        Assert.Equal(["count"], change.Changed);
        Assert.Equal("b", stored!["name"]);
        Assert.Equal(3L, stored["count"]);
        Assert.Equal(stored.ETag, last.ETag);
    }

    [Fact]
    public async Task ConcurrentWrites_ArePublishedTogether_InFewerMessagesThanEvents()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var tag = await h.ModelAsync("res.partner.category");

        await Parallel.ForAsync(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await h.Service.CreateAsync(tag, JsonNode.Parse($$"""{"name":"tag {{i}}"}"""), Ctx, ct));
        var events = await h.DrainEventsAsync();

        Assert.Equal(100, events.Select(e => e.RecordId).Distinct().Count());
        Assert.True(h.LastDrainMessages < 100, $"{h.LastDrainMessages} messages for 100 events");
        Assert.Equal(0, await h.CountPendingAsync(tag.Name));
    }

    [Fact]
    public async Task EventTooLargeForAQueueMessage_TravelsByClaimCheck()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var model = RecordStoreHarness.Everything;
        var big = new string('x', 60_000);

        var created = await h.Service.CreateAsync(model, new JsonObject { ["name"] = "big", ["notes"] = big }, Ctx, None);
        await h.Publisher.FlushAsync();
        var message = Assert.Single(await h.Queue.ReceiveMessagesAsync(1));
        var (change, claimChecked, _) = Assert.Single(await h.Events.ResolveAsync(message.Text!, None));
        var pendingUntilCompleted = await h.CountPendingAsync(model.Name);
        await h.Events.CompleteAsync(change, None);

        Assert.True(claimChecked);
        Assert.Contains("\"refs\"", message.Text, StringComparison.Ordinal);
        Assert.Equal(big, change.After!["notes"]!.GetValue<string>());
        Assert.Equal(1, pendingUntilCompleted);
        Assert.Equal(0, await h.CountPendingAsync(model.Name));
        Assert.Equal(big, (await h.Store.FindAsync(model, created.Id, None))!["notes"]);
    }

    [Fact]
    public async Task RelationToAMissingRecord_IsRefusedNamingTheField()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);

        var error = await Assert.ThrowsAsync<RecordValidationException>(() =>
            h.Service.CreateAsync(RecordStoreHarness.Everything, JsonNode.Parse("""{"name":"x","partner_id":404,"tag_ids":[7,8]}"""), Ctx, None));

        Assert.Contains("res.partner record 404 does not exist.", error.Errors["partner_id"]);
        Assert.Contains("res.partner.category records 7, 8 do not exist.", error.Errors["tag_ids"]);
    }

    [Fact]
    public async Task SequencedName_IsDrawnFromIrSequence_WithoutDuplicatesUnderConcurrency()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        await h.Service.CreateAsync(await h.ModelAsync("ir.sequence"),
            JsonNode.Parse("""{"name":"Sales Order","code":"sale.order","prefix":"S","padding":5,"number_next":1,"number_increment":1}"""), Ctx, None);
        var partner = await h.Service.CreateAsync(await h.ModelAsync("res.partner"), JsonNode.Parse("""{"name":"Buyer"}"""), Ctx, None);
        var order = await h.ModelAsync("sale.order");

        var names = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, 30, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
            names.Add((string)(await h.Service.CreateAsync(order, new JsonObject { ["partner_id"] = partner.Id }, Ctx, ct))["name"]!));

        Assert.Equal(Enumerable.Range(1, 30).Select(n => $"S{n:D5}"), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task One2manyCommands_CreateAndLinkChildrenThroughTheInverse()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var partner = await h.ModelAsync("res.partner");
        var loose = await h.Service.CreateAsync(partner, JsonNode.Parse("""{"name":"Loose"}"""), Ctx, None);

        var company = await h.Service.CreateAsync(partner,
            JsonNode.Parse($$"""{"name":"Company","is_company":true,"child_ids":[[0,0,{"name":"Child"}],[4,{{loose.Id}},0]]}"""), Ctx, None);
        var json = await h.Service.ToJsonAsync(partner, company, null, None);

        var children = json["child_ids"]!.AsArray().Select(n => n!.GetValue<long>()).ToList();
        Assert.Equal(2, children.Count);
        Assert.Contains(loose.Id, children);
        Assert.Equal(company.Id, (await h.Store.FindAsync(partner, loose.Id, None))!["parent_id"]);
    }
}
