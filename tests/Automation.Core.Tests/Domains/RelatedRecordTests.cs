using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Records;
using static Automation.Core.Tests.Domains.DomainModels;

namespace Automation.Core.Tests.Domains;

/// <summary>Dotted paths, any / not any, one2many, child_of / parent_of, batching and event images.</summary>
public sealed class RelatedRecordTests
{
    private static readonly InMemoryRecordSource Partners = new InMemoryRecordSource().Add(
        Record(Partner, 1, ("name", "Root"), ("code", "BE")),
        Record(Partner, 2, ("name", "Child"), ("parent_id", 1L), ("code", "FR")),
        Record(Partner, 3, ("name", "Grandchild"), ("parent_id", 2L)),
        Record(Partner, 4, ("name", "Other")));

    private static async Task<long[]> IdsAsync(string domain, IReadOnlyList<RecordData> records, InMemoryRecordSource? source = null,
        Automation.Core.Models.ModelDefinition? model = null) =>
        (await Compile(domain, model).FilterAsync(records, source ?? Partners, default)).Select(r => r.Id).ToArray();

    [Fact]
    public async Task Many2onePath_MatchesOnTheRelatedRecord()
    {
        var leads = new[] { Lead1(1, ("partner_id", 1L)), Lead1(2, ("partner_id", 2L)), Lead1(3) };

        var ids = await IdsAsync("[('partner_id.code', '=', 'FR')]", leads);

        Assert.Equal(new long[] { 2 }, ids);
    }

    [Fact]
    public async Task Many2onePath_NegativeOperator_NeedsARelatedRecord()
    {
        var leads = new[] { Lead1(1, ("partner_id", 1L)), Lead1(2, ("partner_id", 2L)), Lead1(3) };

        var ids = await IdsAsync("[('partner_id.code', '!=', 'FR')]", leads);

        Assert.Equal(new long[] { 1 }, ids);
    }

    [Fact]
    public async Task TwoLevelPath_GoesThroughBothRelations()
    {
        var leads = new[] { Lead1(1, ("partner_id", 3L)), Lead1(2, ("partner_id", 2L)) };

        var ids = await IdsAsync("[('partner_id.parent_id.name', '=', 'Child')]", leads);

        Assert.Equal(new long[] { 1 }, ids);
    }

    [Fact]
    public async Task NotAny_MatchesEmptyAndNonMatching()
    {
        var leads = new[] { Lead1(1, ("partner_id", 1L)), Lead1(2, ("partner_id", 2L)), Lead1(3) };

        var ids = await IdsAsync("[('partner_id', 'not any', [('code', '=', 'FR')])]", leads);

        Assert.Equal(new long[] { 1, 3 }, ids);
    }

    [Fact]
    public async Task Any_OnMany2many_NeedsOneMatchingTag()
    {
        var source = new InMemoryRecordSource().Add(Record(Tag, 1, ("name", "a")), Record(Tag, 2, ("name", "b")));
        var leads = new[] { Lead1(1, ("tag_ids", new long[] { 1 })), Lead1(2, ("tag_ids", new long[] { 1, 2 })), Lead1(3) };

        var ids = await IdsAsync("[('tag_ids', 'any', [('name', '=', 'b')])]", leads, source);

        Assert.Equal(new long[] { 2 }, ids);
    }

    [Fact]
    public async Task Many2oneComparedWithText_MatchesOnDisplayName()
    {
        var leads = new[] { Lead1(1, ("partner_id", 1L)), Lead1(2, ("partner_id", 2L)) };

        var ids = await IdsAsync("[('partner_id', 'ilike', 'chi')]", leads);

        Assert.Equal(new long[] { 2 }, ids);
    }

    [Fact]
    public async Task Many2oneNotIlikeText_MatchesEmpty()
    {
        var leads = new[] { Lead1(1, ("partner_id", 1L)), Lead1(2, ("partner_id", 2L)), Lead1(3) };

        var ids = await IdsAsync("[('partner_id', 'not ilike', 'chi')]", leads);

        Assert.Equal(new long[] { 1, 3 }, ids);
    }

    [Fact]
    public async Task One2many_IsReadThroughTheInverseField()
    {
        var source = new InMemoryRecordSource().Add(Record(Line, 10, ("lead_id", 1L), ("qty", 5L)), Record(Line, 11, ("lead_id", 2L), ("qty", 1L)));
        var leads = new[] { Lead1(1), Lead1(2), Lead1(3) };

        var ids = await IdsAsync("[('line_ids.qty', '>', 3)]", leads, source);

        Assert.Equal(new long[] { 1 }, ids);
    }

    [Fact]
    public async Task One2manyNotSet_MatchesRecordsWithoutLines()
    {
        var source = new InMemoryRecordSource().Add(Record(Line, 10, ("lead_id", 1L)));

        var ids = await IdsAsync("[('line_ids', '=', False)]", [Lead1(1), Lead1(2)], source);

        Assert.Equal(new long[] { 2 }, ids);
    }

    [Fact]
    public async Task ChildOf_MatchesTheRecordAndItsDescendants()
    {
        var partners = new[] { 1L, 2, 3, 4 }.Select(id => Partners.LoadAsync(Partner, [id], default).Result[0]).ToList();

        var ids = await IdsAsync("[('id', 'child_of', 2)]", partners, model: Partner);

        Assert.Equal(new long[] { 2, 3 }, ids);
    }

    [Fact]
    public async Task ChildOf_ByName_MatchesDescendantsOfThatName()
    {
        var partners = new[] { 1L, 2, 3, 4 }.Select(id => Partners.LoadAsync(Partner, [id], default).Result[0]).ToList();

        var ids = await IdsAsync("[('id', 'child_of', 'Root')]", partners, model: Partner);

        Assert.Equal(new long[] { 1, 2, 3 }, ids);
    }

    [Fact]
    public async Task ParentOf_MatchesTheRecordAndItsAncestors()
    {
        var partners = new[] { 1L, 2, 3, 4 }.Select(id => Partners.LoadAsync(Partner, [id], default).Result[0]).ToList();

        var ids = await IdsAsync("[('id', 'parent_of', 3)]", partners, model: Partner);

        Assert.Equal(new long[] { 1, 2, 3 }, ids);
    }

    [Fact]
    public async Task ChildOf_OnMany2one_TestsTheRelatedRecord()
    {
        var leads = new[] { Lead1(1, ("partner_id", 3L)), Lead1(2, ("partner_id", 4L)) };

        var ids = await IdsAsync("[('partner_id', 'child_of', 1)]", leads);

        Assert.Equal(new long[] { 1 }, ids);
    }

    [Fact]
    public async Task ChildOf_False_MatchesNothing()
    {
        Assert.Empty(await IdsAsync("[('partner_id', 'child_of', False)]", [Lead1(1, ("partner_id", 3L))]));
    }

    [Fact]
    public async Task Path_OverAThousandRecords_LoadsOncePerLevel()
    {
        var source = new InMemoryRecordSource();
        for (var i = 1; i <= 100; i++)
        {
            source.Add(Record(Partner, i, ("name", $"p{i}"), ("parent_id", (long)(i % 10) + 1)));
        }

        var leads = Enumerable.Range(1, 1000).Select(i => Lead1(i, ("partner_id", (long)(i % 100) + 1))).ToList();

        await Compile("[('partner_id.parent_id.name', '=', 'p3')]").FilterAsync(leads, source, default);

        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task AfterImage_FromEventJson_IsEvaluated()
    {
        var image = JsonNode.Parse("""
            {"id": 9, "name": "Bob", "state": "done", "qty": 3, "active": true, "tag_ids": [], "line_ids": [10],
             "create_date": "2025-01-01T00:00:00Z", "write_date": "2025-01-02T00:00:00Z"}
            """)!.AsObject();
        var source = new InMemoryRecordSource().Add(Record(Line, 10, ("lead_id", 9L), ("qty", 4L)));

        var record = RecordImages.FromJson(Lead, image);

        Assert.True(await Compile("[('state', '=', 'done'), ('line_ids.qty', '=', 4), ('create_date', '<', '2025-01-02')]")
            .MatchesAsync(record, source, default));
    }

    [Fact]
    public void Predicate_OfALocalDomain_IsCompiled()
    {
        Assert.NotNull(Compile("[('state', '=', 'draft'), ('qty', '>', 1), ('active', '=', True)]").Predicate);
    }

    [Fact]
    public void Predicate_OfAPathDomain_IsNull()
    {
        Assert.Null(Compile("[('partner_id.name', '=', 'x')]").Predicate);
    }
}
