using Automation.Core.Records;
using static Automation.Core.Tests.Domains.DomainModels;

namespace Automation.Core.Tests.Domains;

/// <summary>Spec §10 scenarios 62–64.</summary>
public sealed class DomainScenarioTests
{
    private static readonly RecordData NoUser = Lead1(1);
    private static readonly RecordData User5 = Lead1(2, ("user_id", 5L));
    private static readonly RecordData User6 = Lead1(3, ("user_id", 6L));

    [Fact]
    public void Scenario62_EqualsIfSet_WithFalse_MatchesAllRecords()
    {
        var domain = Compile("[('user_id', '=?', False)]");

        Assert.All(new[] { NoUser, User5, User6 }, r => Assert.True(domain.Matches(r)));
    }

    [Fact]
    public void Scenario62_EqualsIfSet_WithId_MatchesThatUserOnly()
    {
        var domain = Compile("[('user_id', '=?', 5)]");

        Assert.Equal([User5], new[] { NoUser, User5, User6 }.Where(domain.Matches));
    }

    [Fact]
    public async Task Scenario63_PathWithNegativeOperator_MatchesRecordWithAnotherTag()
    {
        var source = new InMemoryRecordSource().Add(Record(Tag, 1, ("name", "a")), Record(Tag, 2, ("name", "b")));
        var tagged = Lead1(1, ("tag_ids", new long[] { 1, 2 }));
        var untagged = Lead1(2);

        var matches = await Compile("[('tag_ids.name', '!=', 'a')]").FilterAsync([tagged, untagged], source, default);

        Assert.Equal([tagged], matches);
    }

    [Fact]
    public async Task Scenario63_PathWithNegativeOperator_OnlyTagA_DoesNotMatch()
    {
        var source = new InMemoryRecordSource().Add(Record(Tag, 1, ("name", "a")));

        var matches = await Compile("[('tag_ids.name', '!=', 'a')]").FilterAsync([Lead1(1, ("tag_ids", new long[] { 1 }))], source, default);

        Assert.Empty(matches);
    }

    private static readonly RecordData[] Names =
    [
        Lead1(1, ("name", "Bobby")), Lead1(2, ("name", "ROBOB")), Lead1(3, ("name", "Bob")), Lead1(4, ("name", "bob")),
        Lead1(5, ("name", "Alice")), Lead1(6),
    ];

    [Fact]
    public void Scenario64_Ilike_MatchesSubstringIgnoringCase()
    {
        Assert.Equal([1L, 2, 3, 4], Names.Where(Compile("[('name', 'ilike', 'bob')]").Matches).Select(r => r.Id));
    }

    [Fact]
    public void Scenario64_EqualsIlike_MatchesWholeValueIgnoringCase()
    {
        Assert.Equal([3L, 4], Names.Where(Compile("[('name', '=ilike', 'bob')]").Matches).Select(r => r.Id));
    }

    [Fact]
    public void Scenario64_NotIlike_AlsoMatchesEmptyName()
    {
        Assert.Equal([5L, 6], Names.Where(Compile("[('name', 'not ilike', 'bob')]").Matches).Select(r => r.Id));
    }
}
