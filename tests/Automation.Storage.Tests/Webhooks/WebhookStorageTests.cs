using System.Globalization;
using Automation.Core.Webhooks;
using Automation.Storage.Webhooks;
using Automation.Testing;

namespace Automation.Storage.Tests.Webhooks;

/// <summary>The webhook tables and queue on real Azurite: tokens, webhook-id de-duplication, the call queue and claim checks, the log.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WebhookStorageTests(AzuriteFixture azurite)
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private async Task<Tables.TableClient> TableAsync()
    {
        var table = azurite.Tables.GetTableClient(azurite.UniqueTableName("wh"));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task Tokens_IssueStoresOnlyTheHash_RotationRetiresTheOldToken_RevokeRemovesIt()
    {
        var tokens = new WebhookTokens(await TableAsync(), TimeProvider.System);
        var stamp = await tokens.StampAsync(CancellationToken.None);

        var first = await tokens.IssueAsync(7, CancellationToken.None);
        var second = await tokens.IssueAsync(7, CancellationToken.None);
        var listed = await tokens.ListAsync(CancellationToken.None);

        Assert.Equal(43, first.Length);
        Assert.Equal(new Dictionary<string, long> { [WebhookTokens.Hash(second)] = 7 }, listed);
        Assert.NotEqual(stamp, await tokens.StampAsync(CancellationToken.None));
        Assert.True(await tokens.RevokeAsync(7, CancellationToken.None));
        Assert.Empty(await tokens.ListAsync(CancellationToken.None));
        Assert.False(await tokens.HasTokenAsync(7, CancellationToken.None));
    }

    [Fact]
    public async Task Tokens_CallIdKey_IsCreatedOnce_AndSharedByInstances()
    {
        var table = await TableAsync();
        var keys = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new WebhookTokens(table, TimeProvider.System).CallIdKeyAsync(CancellationToken.None)));

        Assert.All(keys, k => Assert.Equal(keys[0], k));
        Assert.Equal(32, keys[0].Length);
    }

    [Fact]
    public async Task Deduplication_SameIdWithin24Hours_GivesTheFirstCall_AfterThatANewOne_AndTheSweepRemovesExpired()
    {
        var clock = new Clock(DateTimeOffset.Parse("2026-11-22T09:00:00Z", CultureInfo.InvariantCulture));
        var dedup = new WebhookDeduplication(await TableAsync(), clock);

        Assert.Null(await dedup.ClaimAsync(1, "evt/1?#", "call-a", CancellationToken.None));
        Assert.Equal("call-a", await dedup.ClaimAsync(1, "evt/1?#", "call-b", CancellationToken.None));
        Assert.Null(await dedup.ClaimAsync(2, "evt/1?#", "call-c", CancellationToken.None)); // per rule
        clock.Now += TimeSpan.FromHours(23);
        Assert.Equal("call-a", await dedup.ClaimAsync(1, "evt/1?#", "call-d", CancellationToken.None));
        clock.Now += TimeSpan.FromHours(2);
        Assert.Null(await dedup.ClaimAsync(1, "evt/1?#", "call-e", CancellationToken.None));
        Assert.Equal("call-e", await dedup.ClaimAsync(1, "evt/1?#", "call-f", CancellationToken.None));

        clock.Now += TimeSpan.FromHours(25);
        Assert.Equal(2, await dedup.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Deduplication_Release_ForgetsTheId()
    {
        var dedup = new WebhookDeduplication(await TableAsync(), TimeProvider.System);
        await dedup.ClaimAsync(1, "evt", "call-a", CancellationToken.None);

        await dedup.ReleaseAsync(1, "evt", CancellationToken.None);

        Assert.Null(await dedup.ClaimAsync(1, "evt", "call-b", CancellationToken.None));
    }

    [Fact]
    public async Task QueuedCalls_ConcurrentCallsShareMessages_LargePayloadsGoByClaimCheck_AndComplete()
    {
        var queue = azurite.Queues.GetQueueClient(azurite.UniqueQueueName("calls"));
        await queue.CreateIfNotExistsAsync();
        var payloads = await TableAsync();
        await using var calls = new QueuedCalls(queue, payloads);
        var at = new DateTime(2026, 11, 22, 9, 0, 0, DateTimeKind.Utc);
        var big = "{\"text\":\"" + new string('é', 400_000) + "\"}"; // 800 KB of UTF-8: four claim-check entities

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => calls.EnqueueAsync(new WebhookCall($"c{i}", 1, at, $$"""{"n":{{i}}}"""), CancellationToken.None))
            .Append(calls.EnqueueAsync(new WebhookCall("big", 1, at, big), CancellationToken.None)));
        var received = new List<QueuedCall>();
        var messages = 0;
        while (received.Count < 51)
        {
            foreach (var message in await queue.ReceiveMessagesAsync(32))
            {
                messages++;
                received.AddRange(await calls.ResolveAsync(message.Text!, CancellationToken.None));
            }
        }

        Assert.True(messages < 51, $"{messages} messages for 51 calls: concurrent calls should share messages");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $$"""{"n":{{i}}}""").Order(), received.Where(c => !c.ClaimChecked).Select(c => c.Call.Payload).Order());
        var claimChecked = Assert.Single(received, c => c.ClaimChecked);
        Assert.Equal(big, claimChecked.Call.Payload);
        Assert.Equal(at, claimChecked.Call.ReceivedAt);
        await calls.CompleteAsync(claimChecked, CancellationToken.None);
        Assert.Null((await calls.ResolveAsync("""{"v":1,"calls":[{"id":"big","rule_id":1,"received_at":"2026-11-22T09:00:00Z","payload_ref":true}]}""",
            CancellationToken.None))[0].Call.Payload);
    }

    [Fact]
    public async Task Log_NewestCallFirst_ErrorAfterInfoWithinACall_RewritingALineKeepsOneCopy_SweepByAge()
    {
        var log = new TableWebhookLog(await TableAsync());
        var t0 = new DateTime(2026, 11, 22, 9, 0, 0, DateTimeKind.Utc);
        await log.WriteAsync(3, "a", t0, 0, new WebhookLogEntry(t0, "INFO", "a info", "a"), CancellationToken.None);
        await log.WriteAsync(3, "b", t0.AddSeconds(1), 0, new WebhookLogEntry(t0.AddSeconds(1), "INFO", "b info", "b"), CancellationToken.None);
        await log.WriteAsync(3, "b", t0.AddSeconds(1), 1, new WebhookLogEntry(t0.AddSeconds(2), "ERROR", "b error", "b"), CancellationToken.None);
        await log.WriteAsync(3, "b", t0.AddSeconds(1), 1, new WebhookLogEntry(t0.AddSeconds(2), "ERROR", "b error", "b"), CancellationToken.None);

        var lines = await log.ListAsync(3, 10, CancellationToken.None);

        Assert.Equal(["b error", "b info", "a info"], lines.Select(l => l.Message));
        // By the call's receive time (the key's range), so a call's lines go together.
        Assert.Equal(1, await log.SweepAsync(new DateTimeOffset(t0.AddSeconds(0.5)), CancellationToken.None));
        Assert.Equal(["b error", "b info"], (await log.ListAsync(3, 10, CancellationToken.None)).Select(l => l.Message));
        Assert.Equal(2, await log.SweepAsync(new DateTimeOffset(t0.AddSeconds(1.5)), CancellationToken.None));
        Assert.Empty(await log.ListAsync(3, 10, CancellationToken.None));
    }
}
