using Automation.Core.Domains;
using static Automation.Core.Tests.Domains.DomainModels;

namespace Automation.Core.Tests.Domains;

/// <summary>Bad input is a <see cref="DomainException"/> naming the problem and the term, never anything else.</summary>
public sealed class DomainErrorTests
{
    private static DomainException Error(string domain) => Assert.Throws<DomainException>(() => Compile(domain));

    [Fact]
    public void UnknownField_IsNamedWithItsTerm()
    {
        var e = Error("[('name', '=', 'a'), ('nope', '=', 1)]");

        Assert.Equal(1, e.Index);
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOperator_IsNamed()
    {
        var e = Error("[('name', 'contains', 'a')]");

        Assert.Contains("'contains'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, e.Index);
    }

    [Fact]
    public void SyntaxError_SaysWhere()
    {
        Assert.Contains("line 1", Error("[('name', '=', 'a'),").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongArity_IsReported()
    {
        Assert.Contains("3 items", Error("[('name', '=')]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OperatorWithoutOperands_IsReported()
    {
        Assert.Contains("two operands", Error("['|', ('name', '=', 'a')]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownPrefixOperator_IsReported()
    {
        Assert.Contains("'^'", Error("['^', ('name', '=', 'a')]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAList_IsReported()
    {
        Assert.Contains("list", Error("42").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownName_InExpression_IsReported()
    {
        Assert.Contains("nobody", Error("[('user_id', '=', nobody)]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NumberFieldWithText_IsATypeMismatch()
    {
        Assert.Contains("not a number", Error("[('qty', '=', 'abc')]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LikeOnInteger_IsATypeMismatch()
    {
        Assert.Contains("'like'", Error("[('qty', 'like', '1')]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadDate_IsATypeMismatch()
    {
        Assert.Contains("not a date", Error("[('date', '<', 'soon')]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathThroughScalar_IsReported()
    {
        Assert.Contains("not a relational field", Error("[('name.x', '=', 1)]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFieldInPath_NamesTheRelatedModel()
    {
        Assert.Contains("'x_partner'", Error("[('partner_id.nope', '=', 1)]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyWithoutSubDomain_IsReported()
    {
        Assert.Contains("sub-domain", Error("[('tag_ids', 'any', 5)]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOnScalar_IsReported()
    {
        Assert.Contains("relational", Error("[('name', 'any', [])]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonFieldCompared_IsReported()
    {
        Assert.Contains("json", Error("[('data', '=', 'x')]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLongText_IsRefused()
    {
        Assert.Contains("longer", Error("[" + new string(' ', 70_000) + "]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeError_InExpression_IsReported()
    {
        Assert.Contains("ZeroDivisionError", Error("[('qty', '=', 1 / 0)]").Message, StringComparison.Ordinal);
    }
}
