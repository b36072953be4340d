using Automation.Storage.Queues;
using Automation.Testing;
using Azure;

namespace Automation.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class QueueClientTests(AzuriteFixture azurite)
{
    private async Task<QueueClient> NewQueueAsync()
    {
        var queue = azurite.Queues.GetQueueClient(azurite.UniqueQueueName());
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    [Fact]
    public async Task SendReceiveDelete_RoundTripsTextAndLeavesQueueEmpty()
    {
        var queue = await NewQueueAsync();
        await queue.CreateIfNotExistsAsync();

        var sent = await queue.SendMessageAsync("{\"hello\":\"wörld\"}");
        var received = Assert.Single(await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30)));
        var deleted = await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);

        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal("{\"hello\":\"wörld\"}", received.Text);
        Assert.Equal(1, received.DequeueCount);
        Assert.True(received.ExpiresOn.Year >= 9999, "messages never expire unless asked");
        Assert.True(deleted);
        Assert.Empty(await queue.PeekMessagesAsync(32));
    }

    [Fact]
    public async Task MessageOver64KiBEncoded_IsRefusedClientSide_AndNothingIsQueued()
    {
        var queue = await NewQueueAsync();

        var error = await Assert.ThrowsAsync<QueueMessageTooLargeException>(() => queue.SendMessageAsync(new string('x', 65 * 1024)));

        Assert.Contains("65,536", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await queue.GetApproximateMessageCountAsync());
    }

    [Fact]
    public async Task MessageOf48KiB_FitsExactly()
    {
        var queue = await NewQueueAsync();

        await queue.SendMessageAsync(new string('x', QueueMessageEncoding.MaxTextBytes));
        var received = Assert.Single(await queue.ReceiveMessagesAsync());

        Assert.Equal(QueueMessageEncoding.MaxTextBytes, received.Text!.Length);
    }

    [Fact]
    public async Task ReleasedMessage_IsRedeliveredWithHigherDequeueCount()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("retry me");

        var first = Assert.Single(await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30)));
        var hidden = await queue.ReceiveMessagesAsync(1);
        var update = await queue.UpdateMessageAsync(first.MessageId, first.PopReceipt, TimeSpan.Zero);
        var second = Assert.Single(await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30)));

        Assert.Empty(hidden);
        Assert.NotEqual(first.PopReceipt, update.PopReceipt);
        Assert.Equal(2, second.DequeueCount);
        Assert.Equal("retry me", second.Text);
    }

    [Fact]
    public async Task Delete_WithStalePopReceipt_Fails400PopReceiptMismatch()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("x");
        var first = Assert.Single(await queue.ReceiveMessagesAsync());
        await queue.UpdateMessageAsync(first.MessageId, first.PopReceipt, TimeSpan.Zero);
        _ = Assert.Single(await queue.ReceiveMessagesAsync());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteMessageAsync(first.MessageId, first.PopReceipt));

        Assert.Equal(400, error.Status);
        Assert.Equal("PopReceiptMismatch", error.ErrorCode);
    }

    [Fact]
    public async Task SendWithVisibilityDelay_HidesMessageUntilThen()
    {
        var queue = await NewQueueAsync();

        await queue.SendMessageAsync("later", visibilityDelay: TimeSpan.FromSeconds(30));

        Assert.Empty(await queue.ReceiveMessagesAsync());
        Assert.Equal(1, await queue.GetApproximateMessageCountAsync());
    }

    [Fact]
    public async Task ReceiveAndPeek_ReturnUpTo32()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 40; i++)
        {
            await queue.SendMessageAsync($"m{i}");
        }

        var peeked = await queue.PeekMessagesAsync(32);
        var received = await queue.ReceiveMessagesAsync(32);

        Assert.Equal(32, peeked.Count);
        Assert.Equal(32, received.Count);
        Assert.Equal(32, received.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task MessageNotInBase64_IsReceivedWithNullText()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("plain");
        var leased = Assert.Single(await queue.ReceiveMessagesAsync());
        // Another writer (e.g. a tool with messageEncoding none) stores text that is not base64.
        await queue.UpdateMessageAsync(leased.MessageId, leased.PopReceipt, TimeSpan.Zero);

        Assert.Null(QueueMessageEncoding.TryDecode("not base64 at all!"));
        Assert.Equal("plain", QueueMessageEncoding.TryDecode(QueueMessageEncoding.Encode("plain")));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("double--hyphen")]
    [InlineData("-leading")]
    public void InvalidQueueName_IsRefused(string name)
    {
        Assert.Throws<ArgumentException>(() => azurite.Queues.GetQueueClient(name));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class ServiceClientTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task GetQueueNames_WithPrefix_ListsOnlyThoseQueues()
    {
        var prefix = azurite.UniqueQueueName("ls")[..12];
        foreach (var suffix in new[] { "a", "b-poison", "c-poison" })
        {
            await azurite.Queues.GetQueueClient($"{prefix}-{suffix}").CreateIfNotExistsAsync();
        }

        var names = await azurite.Queues.GetQueueNamesAsync(prefix);

        Assert.Equal([$"{prefix}-a", $"{prefix}-b-poison", $"{prefix}-c-poison"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetTableNames_IncludesACreatedTable()
    {
        var name = azurite.UniqueTableName("list");
        await azurite.Tables.GetTableClient(name).CreateIfNotExistsAsync();

        var names = await azurite.Tables.GetTableNamesAsync();

        Assert.Contains(name, names);
    }
}
