using Automation.Core.Domains;
using static Automation.Core.Tests.Domains.DomainModels;

namespace Automation.Core.Tests.Domains;

public sealed class DomainParsingTests
{
    private static readonly Func<string, Automation.Core.Models.ModelDefinition?> Models = Find;

    [Fact]
    public void Parse_ConsecutiveTerms_AreImplicitlyAnded()
    {
        var domain = Domain.Parse("[('name', '=', 'a'), ('qty', '>', 1), ('state', '=', 'draft')]");

        Assert.Equal("['&', '&', ('name', '=', 'a'), ('qty', '>', 1), ('state', '=', 'draft')]", domain.ToString());
    }

    [Fact]
    public void Parse_PrefixOperators_BuildTheSpecExampleTree()
    {
        var domain = Compile("['&', '!', ('name', '=', 'a'), '|', ('qty', '=', 1), ('qty', '=', 2)]");

        Assert.True(domain.Matches(Lead1(1, ("name", "b"), ("qty", 2L))));
        Assert.False(domain.Matches(Lead1(1, ("name", "a"), ("qty", 2L))));
        Assert.False(domain.Matches(Lead1(1, ("name", "b"), ("qty", 3L))));
    }

    [Fact]
    public void Parse_JsonArray_IsAccepted()
    {
        var domain = Compile("""[["state", "=", "draft"], ["active", "=", true], ["partner_id", "=", null]]""");

        Assert.True(domain.Matches(Lead1(1, ("state", "draft"), ("active", true))));
    }

    [Fact]
    public void Parse_EmptyList_MatchesEverything()
    {
        Assert.True(Compile("[]").IsAll);
    }

    [Fact]
    public void Parse_EmptyText_MatchesEverything()
    {
        Assert.True(Domain.Parse("  ").IsAll);
    }

    [Fact]
    public void Parse_TrueLeaf_IsTrue()
    {
        Assert.True(Compile("[(1, '=', 1)]").IsAll);
    }

    [Fact]
    public void Parse_FalseLeaf_MatchesNothing()
    {
        Assert.False(Compile("['|', (0, '=', 1), ('name', '=', 'x')]").Matches(Lead1(1, ("name", "y"))));
    }

    [Fact]
    public void Parse_Uid_IsTheGivenUser()
    {
        var domain = DomainCompiler.Compile(Lead, Domain.Parse("[('user_id', '=', uid)]", new DomainParseOptions { Uid = 42 }), Models);

        Assert.True(domain.Matches(Lead1(1, ("user_id", 42L))));
    }

    [Fact]
    public void Parse_TimeStrftime_ComparesWithToday()
    {
        var domain = Compile("[('date', '<', time.strftime('%Y-%m-%d'))]");

        Assert.True(domain.Matches(Lead1(1, ("date", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-2))))));
        Assert.False(domain.Matches(Lead1(1, ("date", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(2))))));
    }

    [Fact]
    public void Parse_ContextToday_IsAvailable()
    {
        var domain = Compile("[('date', '>=', context_today() - datetime.timedelta(days=1))]");

        Assert.True(domain.Matches(Lead1(1, ("date", DateOnly.FromDateTime(DateTime.UtcNow)))));
    }

    [Fact]
    public void Parse_RelativeDate_IsResolvedAgainstTheClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2025, 3, 12, 15, 30, 0, TimeSpan.Zero)); // a Wednesday
        var domain = Compile("['&', ('date', '>=', 'today =1d'), ('date', '<', 'today =1d +1m')]", clock: clock);

        Assert.True(domain.Matches(Lead1(1, ("date", new DateOnly(2025, 3, 1)))));
        Assert.False(domain.Matches(Lead1(1, ("date", new DateOnly(2025, 4, 1)))));
    }

    [Fact]
    public void Parse_RelativeWeekStart_GoesBackToMonday()
    {
        var clock = new FixedClock(new DateTimeOffset(2025, 3, 12, 15, 30, 0, TimeSpan.Zero));
        var domain = Compile("[('date', '=', '=week_start')]", clock: clock);

        Assert.True(domain.Matches(Lead1(1, ("date", new DateOnly(2025, 3, 10)))));
    }

    [Fact]
    public void Parse_RelativeNowOffset_WorksOnDatetimes()
    {
        var clock = new FixedClock(new DateTimeOffset(2025, 3, 12, 15, 30, 0, TimeSpan.Zero));
        var domain = Compile("[('deadline', '<', 'now -2H')]", clock: clock);

        Assert.True(domain.Matches(Lead1(1, ("deadline", new DateTime(2025, 3, 12, 13, 0, 0, DateTimeKind.Utc)))));
        Assert.False(domain.Matches(Lead1(1, ("deadline", new DateTime(2025, 3, 12, 14, 0, 0, DateTimeKind.Utc)))));
    }

    [Fact]
    public void FieldNames_AreTheFirstPathSegments()
    {
        var names = Domain.Parse("['|', ('partner_id.name', '=', 'x'), ('state', '=', 'draft'), ('tag_ids', 'any', [('name', '=', 'a')])]")
            .FieldNames();

        Assert.Equal(["partner_id", "state", "tag_ids"], names);
    }

    [Fact]
    public void ToString_RoundTripsThroughParse()
    {
        var text = "['|', ('name', 'ilike', \"o'k\"), '!', ('date', '<', '2025-01-01')]";

        var again = Domain.Parse(Domain.Parse(text).ToString());

        Assert.Equal(Domain.Parse(text).ToString(), again.ToString());
    }
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

public sealed class DomainJsonTests
{
    [Fact]
    public void FromJson_Array_IsParsed()
    {
        var domain = Domain.FromJson(System.Text.Json.Nodes.JsonNode.Parse("""["|", ["qty", ">", 1], ["state", "=", "done"]]"""));

        Assert.Equal("['|', ('qty', '>', 1), ('state', '=', 'done')]", domain.ToString());
    }

    [Fact]
    public void FromJson_Object_IsRefused()
    {
        Assert.Throws<DomainException>(() => Domain.FromJson(System.Text.Json.Nodes.JsonNode.Parse("""{"state": "done"}""")));
    }
}

public sealed class DomainJsonIdTests
{
    [Fact]
    public void JsonInteger_IsARecordId()
    {
        var domain = DomainModels.Compile("""[["partner_id", "in", [5, 6]], ["qty", "=", 2]]""");

        Assert.True(domain.Matches(DomainModels.Lead1(1, ("partner_id", 5L), ("qty", 2L))));
    }
}
