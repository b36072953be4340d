using System.Text.Json.Nodes;
using Automation.Core.Records;
using static Automation.Core.Tests.Records.TestModels;

namespace Automation.Core.Tests.Records;

public sealed class RecordJsonCommandTests
{
    [Fact]
    public void Many2many_CommandTriples_ParseInOrderIntoCommands()
    {
        var parsed = ParseOne("m2m", """[[0, 0, {"name": "new"}], [1, 5, {"name": "y"}], [2, 6], [3, 7, 0], [4, 8], [5], [6, 0, [9, 10, 9]]]""");

        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.DoesNotContain("m2m", parsed.Values.Keys);
        var commands = parsed.Commands["m2m"];
        Assert.Equal(
            [X2ManyOperation.Create, X2ManyOperation.Update, X2ManyOperation.Delete, X2ManyOperation.Unlink, X2ManyOperation.Link,
                X2ManyOperation.Clear, X2ManyOperation.Set],
            commands.Select(c => c.Operation));
        Assert.Equal("new", (string?)commands[0].Values!["name"]);
        Assert.Equal((5L, "y"), (commands[1].Id, (string?)commands[1].Values!["name"]));
        Assert.Equal([6L, 7L, 8L], commands.Skip(2).Take(3).Select(c => c.Id));
        Assert.Equal([9L, 10L], commands[6].Ids);
    }

    [Fact]
    public void One2many_CommandTriples_ParseIntoCommands()
    {
        var parsed = ParseOne("o2m", """[[0, 0, {"name": "child"}], [4, 3]]""");

        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.Equal([X2ManyOperation.Create, X2ManyOperation.Link], parsed.Commands["o2m"].Select(c => c.Operation));
    }

    [Theory]
    [InlineData("[[7, 1]]")]
    [InlineData("[[-1, 1]]")]
    [InlineData("[[4]]")]
    [InlineData("[[4, 0]]")]
    [InlineData("[[4, \"3\"]]")]
    [InlineData("[[0, 0, 5]]")]
    [InlineData("[[0, 0]]")]
    [InlineData("[[1, 5]]")]
    [InlineData("[[6, 0, [0]]]")]
    [InlineData("[[6, 0, 3]]")]
    [InlineData("[[]]")]
    [InlineData("[[4, 1, 0, 0]]")]
    public void Many2many_MalformedCommand_IsRejectedNamingTheCommand(string json)
    {
        var parsed = ParseOne("m2m", json);

        Assert.StartsWith("Command 1 ", Assert.Single(parsed.Errors["m2m"]), StringComparison.Ordinal);
        Assert.Empty(parsed.Commands);
    }

    [Fact]
    public void ApplyLinks_EveryLinkCommand_GivesOdoosResultingIds()
    {
        X2ManyCommand[] commands =
        [
            X2ManyCommand.Link(4), X2ManyCommand.Link(1), X2ManyCommand.Unlink(2), X2ManyCommand.Delete(3),
            X2ManyCommand.Update(1, new JsonObject()), X2ManyCommand.Create(new JsonObject()),
        ];

        var ids = X2ManyCommand.ApplyLinks([1, 2, 3], commands, c => c.Operation == X2ManyOperation.Create ? 99 : null);

        Assert.Equal([1L, 4L, 99L], ids);
    }

    [Fact]
    public void ApplyLinks_ClearThenSet_ReplacesEverything()
    {
        var ids = X2ManyCommand.ApplyLinks([1, 2], [X2ManyCommand.Clear(), X2ManyCommand.Link(5), X2ManyCommand.Set([7, 8])]);

        Assert.Equal([7L, 8L], ids);
    }
}
