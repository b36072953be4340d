using Automation.Storage;
using Automation.Storage.Tables;
using Automation.Testing;
using Azure;

namespace Automation.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TableClientTests(AzuriteFixture azurite)
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = azurite.Tables.GetTableClient(azurite.UniqueTableName());
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task CreateIfNotExists_Twice_Succeeds()
    {
        var table = await NewTableAsync();
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));
        Assert.NotNull(await table.GetEntityIfExistsAsync("p", "r"));
    }

    [Fact]
    public async Task AddThenGet_RoundTripsEveryPropertyType()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2026, 11, 22, 9, 0, 22, TimeSpan.Zero).AddTicks(8114182);
        var guid = Guid.NewGuid();
        var entity = new TableEntity("p", "types")
        {
            ["Text"] = "héllo 'quoted'",
            ["Int"] = 42,
            ["Big"] = 9007199254740993L,
            ["Whole"] = 2.0,
            ["Fraction"] = 0.1,
            ["NotANumber"] = double.NaN,
            ["Flag"] = true,
            ["When"] = when,
            ["Id"] = guid,
            ["Bytes"] = new byte[] { 0, 1, 254, 255 },
        };

        var etag = await table.AddEntityAsync(entity);
        var read = await table.GetEntityAsync("p", "types");

        Assert.NotEqual(default, etag);
        Assert.Equal(etag, read.ETag);
        Assert.Equal("héllo 'quoted'", read["Text"]);
        Assert.Equal(42, read["Int"]);
        Assert.Equal(9007199254740993L, read["Big"]);
        Assert.Equal(2.0, Assert.IsType<double>(read["Whole"]));
        Assert.Equal(0.1, read["Fraction"]);
        Assert.True(double.IsNaN(Assert.IsType<double>(read["NotANumber"])));
        Assert.Equal(true, read["Flag"]);
        Assert.Equal(when, read["When"]);
        Assert.Equal(guid, read["Id"]);
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, read["Bytes"]);
        Assert.NotNull(read.Timestamp);
    }

    [Fact]
    public async Task Add_Existing_Fails409EntityAlreadyExists()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "dup"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "dup")));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task Update_WithStaleETag_Fails412UpdateConditionNotSatisfied()
    {
        var table = await NewTableAsync();
        var entity = new TableEntity("p", "etag") { ["N"] = 1 };
        var first = await table.AddEntityAsync(entity);
        entity["N"] = 2;
        var second = await table.UpdateEntityAsync(entity, first, TableUpdateMode.Replace);

        entity["N"] = 3;
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(entity, first, TableUpdateMode.Replace));

        Assert.NotEqual(first, second);
        Assert.Equal(412, error.Status);
        Assert.Equal("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.Equal(2, (await table.GetEntityAsync("p", "etag"))["N"]);
    }

    [Fact]
    public async Task Merge_KeepsOtherProperties_ReplaceDropsThem()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "m") { ["A"] = "a", ["B"] = "b" });

        await table.UpsertEntityAsync(new TableEntity("p", "m") { ["B"] = "b2" }, TableUpdateMode.Merge);
        var merged = await table.GetEntityAsync("p", "m");
        await table.UpsertEntityAsync(new TableEntity("p", "m") { ["C"] = "c" }, TableUpdateMode.Replace);
        var replaced = await table.GetEntityAsync("p", "m");

        Assert.Equal(("a", "b2"), (merged["A"], merged["B"]));
        Assert.False(replaced.ContainsKey("A"));
        Assert.Equal("c", replaced["C"]);
    }

    [Fact]
    public async Task Delete_WithStaleETag_Fails412_AndMissingReturnsFalse()
    {
        var table = await NewTableAsync();
        var entity = new TableEntity("p", "d") { ["N"] = 1 };
        var stale = await table.AddEntityAsync(entity);
        await table.UpdateEntityAsync(entity, stale);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "d", stale));
        var deleted = await table.DeleteEntityAsync("p", "d", entity.ETag);
        var again = await table.DeleteEntityAsync("p", "d");

        Assert.Equal(412, error.Status);
        Assert.True(deleted);
        Assert.False(again);
        Assert.Null(await table.GetEntityIfExistsAsync("p", "d"));
    }

    [Fact]
    public async Task Query_OverMoreThan1000Entities_FollowsContinuation_ReturnsEachOnce()
    {
        var table = await NewTableAsync();
        const int total = 1_150;
        for (var batch = 0; batch < total / 50; batch++)
        {
            var actions = Enumerable.Range(batch * 50, 50)
                .Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity($"p{i % 2}", i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)) { ["N"] = i }))
                .GroupBy(a => a.Entity.PartitionKey);
            foreach (var group in actions)
            {
                await table.SubmitTransactionAsync(group.ToList());
            }
        }

        var pages = 0;
        var seen = new List<int>();
        await foreach (var page in table.QueryAsync().AsPages())
        {
            pages++;
            seen.AddRange(page.Values.Select(e => (int)e["N"]!));
        }

        Assert.True(pages >= 2, $"expected continuation pages, got {pages}");
        Assert.Equal(total, seen.Count);
        Assert.Equal(Enumerable.Range(0, total), seen.Order());
    }

    [Fact]
    public async Task Query_WithFilterSelectAndTop_ReturnsMatchingColumns()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 12; i++)
        {
            await table.AddEntityAsync(new TableEntity("p", $"r{i:D2}") { ["N"] = i, ["Other"] = "x" });
        }

        var results = new List<TableEntity>();
        var pageCount = 0;
        await foreach (var page in table.QueryAsync("N ge 3 and N lt 9", maxPerPage: 2, select: ["N"]).AsPages())
        {
            pageCount++;
            results.AddRange(page.Values);
        }

        Assert.Equal([3, 4, 5, 6, 7, 8], results.Select(e => (int)e["N"]!));
        Assert.All(results, e => Assert.False(e.ContainsKey("Other")));
        Assert.All(results, e => Assert.NotEqual(default, e.ETag));
        Assert.True(pageCount >= 3);
    }

    [Fact]
    public async Task Transaction_WithOneFailingOperation_ChangesNothing()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "exists") { ["V"] = "original" });

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "new1")),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "up") { ["V"] = 1 }),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "exists") { ["V"] = "changed" }),
        ]));

        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal(2, error.FailedIndex);
        Assert.Null(await table.GetEntityIfExistsAsync("p", "new1"));
        Assert.Null(await table.GetEntityIfExistsAsync("p", "up"));
        Assert.Equal("original", (await table.GetEntityAsync("p", "exists"))["V"]);
    }

    [Fact]
    public async Task Transaction_MixedOperations_AllApplyWithETags()
    {
        var table = await NewTableAsync();
        var existing = new TableEntity("p", "e") { ["V"] = 1 };
        await table.AddEntityAsync(existing);
        await table.AddEntityAsync(new TableEntity("p", "gone"));

        var etags = await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a") { ["V"] = 1 }),
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity("p", "e") { ["W"] = 2 }, existing.ETag),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "gone")),
        ]);

        var e = await table.GetEntityAsync("p", "e");
        Assert.Equal(3, etags.Count);
        Assert.Equal((1, 2), (e["V"], e["W"]));
        Assert.Equal(etags[1], e.ETag);
        Assert.NotNull(await table.GetEntityIfExistsAsync("p", "a"));
        Assert.Null(await table.GetEntityIfExistsAsync("p", "gone"));
    }

    [Fact]
    public async Task Transaction_AcrossPartitions_IsRefusedBeforeSending()
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p1", "a")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p2", "b")),
        ]));

        Assert.Equal("CommandsInBatchActOnDifferentPartitions", error.ErrorCode);
        Assert.Null(await table.GetEntityIfExistsAsync("p1", "a"));
    }

    [Fact]
    public async Task Transaction_OverOneHundredOperations_IsRefused()
    {
        var table = await NewTableAsync();
        var actions = Enumerable.Range(0, 101)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i}")))
            .ToList();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(actions));

        Assert.Contains("at most 100", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    public async Task Keys_WithForbiddenCharacters_AreRefusedWithClearError(string key)
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity("p", key)));

        Assert.Contains("RowKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not allow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_WithSpaceQuoteAndAccent_RoundTrip()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("O'Brien é", "a b'c") { ["V"] = 1 });

        var read = await table.GetEntityAsync("O'Brien é", "a b'c");
        var queried = await table.QueryAsync($"PartitionKey eq {TableKeys.Quote("O'Brien é")}").ToListAsync();

        Assert.Equal(1, read["V"]);
        Assert.Single(queried);
    }

    [Fact]
    public async Task StringOver64KiB_IsRefusedBeforeSending()
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(() =>
            table.AddEntityAsync(new TableEntity("p", "big") { ["S"] = new string('x', 40_000) }));

        Assert.Equal("PropertyValueTooLarge", error.ErrorCode);
        Assert.Contains("'S'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongAccountKey_Fails403_WithErrorCodeFromXmlBody()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = StorageConnection.ForSharedKey(azurite.Connection.TableEndpoint, azurite.Connection.QueueEndpoint,
            StorageConnection.DevelopmentAccountName, wrongKey);
        var table = new TableServiceClient(connection).GetTableClient(azurite.UniqueTableName());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.CreateIfNotExistsAsync());

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationFailure", error.ErrorCode);
    }
}
