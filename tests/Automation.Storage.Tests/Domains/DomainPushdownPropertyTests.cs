using System.Globalization;
using Automation.Core.Domains;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Storage.Tests.Records;
using Automation.Testing;

namespace Automation.Storage.Tests.Domains;

/// <summary>
/// Random domains over random records in Azurite: the storage filter plus the in-memory remainder select exactly the
/// records pure in-memory evaluation selects (seeded, so a failure reproduces).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DomainPushdownPropertyTests(AzuriteFixture azurite)
{
    private const int Seed = 20261122;
    private static readonly ModelDefinition Model = RecordStoreHarness.Everything;

    private static readonly object?[] Names = [null, "", "a", "b", "Bob", "bob", "o'k", "zeta", "50%"];
    private static readonly object?[] Counts = [null, 0L, -1L, 1L, 2L, 5L];
    private static readonly object?[] Ratios = [null, 0.0, 0.5, 1.5, -2.5];
    private static readonly object?[] Flags = [null, true, false];
    private static readonly object?[] Days = [null, new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 2), new DateOnly(2025, 1, 3)];
    private static readonly object?[] Moments =
    [
        null, new DateTime(2025, 1, 1, 10, 0, 0, DateTimeKind.Utc), new DateTime(2025, 1, 1, 10, 0, 1, DateTimeKind.Utc),
        new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc),
    ];

    private static readonly object?[] States = [null, "draft", "done"];
    private static readonly object?[] Partners = [null, 1L, 2L, 3L];
    private static readonly object?[] Tags = [null, new long[] { 1 }, new long[] { 1, 2 }];

    [Fact]
    public async Task RandomDomains_PushdownPlusRemainder_EqualsInMemoryEvaluation()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var random = new Random(Seed);
        var records = await InsertAsync(h.Records, random, 240);
        var pushed = 0;

        for (var i = 0; i < 250; i++)
        {
            var text = RandomDomain(random, depth: 0);
            var domain = DomainCompiler.Compile(Model, Domain.Parse(text), _ => new ModelDefinition("res.partner", []));
            var expected = records.Where(domain.Matches).Select(r => r.Id).ToList();
            pushed += DomainPushdown.Split(domain).Filter is null ? 0 : 1;

            var actual = await SearchAllAsync(h.Store, domain, limit: 1000);

            Assert.True(expected.SequenceEqual(actual), $"Domain {text}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
        }

        Assert.True(pushed > 100, $"Only {pushed} of 250 domains pushed anything down.");
    }

    [Fact]
    public async Task Search_PagedWithCursors_ReturnsEachMatchOnce()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var records = await InsertAsync(h.Records, new Random(Seed + 1), 120);
        var domain = DomainCompiler.Compile(Model, Domain.Parse("['|', ('count', '>', 0), ('tag_ids', 'in', [2])]"), _ => null);

        var actual = await SearchAllAsync(h.Store, domain, limit: 7);

        Assert.Equal(records.Where(domain.Matches).Select(r => r.Id), actual);
    }

    [Fact]
    public async Task SearchAsync_UnknownField_IsAValidationErrorKeyedDomain()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);

        var e = await Assert.ThrowsAsync<RecordValidationException>(() =>
            h.Service.SearchAsync(Model, Domain.Parse("[('nope', '=', 1)]"), 10, null, CancellationToken.None));

        Assert.Contains("'nope'", Assert.Single(e.Errors["domain"]), StringComparison.Ordinal);
    }

    private static async Task<List<long>> SearchAllAsync(IRecordStore store, CompiledDomain domain, int limit)
    {
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var page = await DomainSearch.SearchAsync(store, domain, limit, cursor, CancellationToken.None);
            ids.AddRange(page.Records.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return ids;
    }

    private static async Task<List<RecordData>> InsertAsync(TableClient table, Random random, int count)
    {
        var records = new List<RecordData>();
        var created = new DateTime(2025, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        for (var id = 1; id <= count; id++)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = Pick(random, Names),
                ["state"] = Pick(random, States),
                ["count"] = Pick(random, Counts),
                ["ratio"] = Pick(random, Ratios),
                ["flag"] = Pick(random, Flags),
                ["day"] = Pick(random, Days),
                ["moment"] = Pick(random, Moments),
                ["partner_id"] = Pick(random, Partners),
                ["tag_ids"] = Pick(random, Tags),
            };
            foreach (var key in values.Where(v => v.Value is null).Select(v => v.Key).ToList())
            {
                values.Remove(key);
            }

            // create_date with milliseconds: storage compares exactly, memory to the second.
            var at = created.AddMilliseconds(random.Next(0, 3) * 1000 + random.Next(0, 2) * 500);
            records.Add(new RecordData(Model.Name, id, values) { CreateDate = at, WriteDate = at });
        }

        foreach (var batch in records.Chunk(100))
        {
            await table.SubmitTransactionAsync(batch.Select(r =>
                new TableTransactionAction(TableTransactionActionType.Add, RecordEntities.ToEntity(Model, r.Id, r.Values, r.CreateDate, r.WriteDate))).ToList());
        }

        return records;
    }

    private static object? Pick(Random random, object?[] values) => values[random.Next(values.Length)];

    private static string RandomDomain(Random random, int depth)
    {
        var terms = new List<string>();
        var n = random.Next(1, 4);
        for (var i = 0; i < n; i++)
        {
            terms.Add(RandomTerm(random, depth));
        }

        return "[" + string.Join(", ", terms) + "]";
    }

    private static string RandomTerm(Random random, int depth)
    {
        var roll = random.Next(10);
        if (depth < 2 && roll == 0)
        {
            return $"'!', {RandomLeaf(random)}";
        }

        if (depth < 2 && roll == 1)
        {
            return $"'|', {RandomLeaf(random)}, {RandomLeaf(random)}";
        }

        if (depth < 2 && roll == 2)
        {
            return $"'!', '|', {RandomLeaf(random)}, '&', {RandomLeaf(random)}, {RandomLeaf(random)}";
        }

        return RandomLeaf(random);
    }

    private static readonly string[] Scalar = ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "=?"];
    private static readonly string[] TextOps = ["like", "not like", "ilike", "not ilike", "=like", "not =like", "=ilike", "not =ilike"];

    private static string RandomLeaf(Random random)
    {
        string Op(bool text = false) => text && random.Next(3) == 0 ? TextOps[random.Next(TextOps.Length)] : Scalar[random.Next(Scalar.Length)];
        string Value(string op, string[] pool) => op is "in" or "not in"
            ? "[" + string.Join(", ", Enumerable.Range(0, random.Next(0, 3)).Select(_ => pool[random.Next(pool.Length)])) + "]"
            : pool[random.Next(pool.Length)];

        switch (random.Next(11))
        {
            case 0:
                {
                    var op = Op(text: true);
                    return $"('name', '{op}', {Value(op, ["False", "''", "'a'", "'b'", "'Bob'", "'o''k'".Replace("''", "\\'", StringComparison.Ordinal), "'z'", "'%o%'", "'50\\\\%'"])})";
                }

            case 1:
                {
                    var op = Op();
                    return $"('state', '{op}', {Value(op, ["False", "'draft'", "'done'"])})";
                }

            case 2:
                {
                    var op = Op();
                    return $"('count', '{op}', {Value(op, ["False", "0", "-1", "1", "2", "3", "2.5"])})";
                }

            case 3:
                {
                    var op = Op();
                    return $"('ratio', '{op}', {Value(op, ["False", "0", "0.5", "1.5", "-2.5", "1"])})";
                }

            case 4:
                {
                    var op = Scalar[random.Next(2)];
                    return $"('flag', '{op}', {Value(op, ["True", "False"])})";
                }

            case 5:
                {
                    var op = Op();
                    return $"('day', '{op}', {Value(op, ["False", "'2025-01-01'", "'2025-01-02'", "'2025-01-03'"])})";
                }

            case 6:
                {
                    var op = Op();
                    return $"('moment', '{op}', {Value(op, ["False", "'2025-01-01 10:00:00'", "'2025-01-01 10:00:01'", "'2025-01-02'"])})";
                }

            case 7:
                {
                    var op = Op();
                    return $"('partner_id', '{op}', {Value(op, ["False", "1", "2", "3"])})";
                }

            case 8:
                {
                    var op = Scalar[random.Next(2)] is var o && random.Next(2) == 0 ? o : (random.Next(2) == 0 ? "in" : "not in");
                    return $"('tag_ids', '{op}', {Value(op, ["False", "1", "2"])})";
                }

            case 9:
                {
                    var op = Op();
                    return $"('create_date', '{op}', {Value(op, ["'2025-01-01 10:00:00'", "'2025-01-01 10:00:01'", "'2025-01-01 10:00:02'"])})";
                }

            default:
                {
                    var op = Op();
                    return $"('id', '{op}', {Value(op, ["1", "5", "100", "200"])})";
                }
        }
    }
}
