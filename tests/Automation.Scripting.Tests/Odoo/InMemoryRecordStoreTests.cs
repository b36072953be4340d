using Automation.Scripting.Odoo;

namespace Automation.Scripting.Tests.Odoo;

public class InMemoryRecordStoreTests
{
    private static (InMemoryRecordStore Store, long A, long B, long C) Seed()
    {
        var store = PartnerStore.Create();
        var a = store.AddPartner("Alpha", new() { ["customer_rank"] = 1L, ["email"] = "alpha@example.com" });
        var b = store.AddPartner("beta", new() { ["customer_rank"] = 5L, ["parent_id"] = a });
        var c = store.AddPartner("Gamma", new() { ["customer_rank"] = 3L, ["email"] = "gamma@test.org" });
        return (store, a, b, c);
    }

    private static IReadOnlyList<long> Search(InMemoryRecordStore store, IReadOnlyList<object?> domain) => store.Search("res.partner", domain, 0, null, null);

    [Fact]
    public void ComparisonOperators_FilterRecords()
    {
        var (store, a, b, c) = Seed();

        Assert.Equal([b], Search(store, [new object?[] { "customer_rank", "=", 5L }]));
        Assert.Equal([a, c], Search(store, [new object?[] { "customer_rank", "!=", 5L }]));
        Assert.Equal([b, c], Search(store, [new object?[] { "customer_rank", ">", 1L }]));
        Assert.Equal([a, c], Search(store, [new object?[] { "customer_rank", "<=", 3L }]));
        Assert.Equal([a, b], Search(store, [new object?[] { "customer_rank", "in", new List<object?> { 1L, 5L } }]));
        Assert.Equal([c], Search(store, [new object?[] { "customer_rank", "not in", new List<object?> { 1L, 5L } }]));
    }

    [Fact]
    public void LikeOperators_MatchSubstringsAndPatterns()
    {
        var (store, a, b, c) = Seed();

        Assert.Equal([b], Search(store, [new object?[] { "name", "like", "eta" }]));
        Assert.Equal([a, b, c], Search(store, [new object?[] { "name", "ilike", "A" }]));
        Assert.Equal([a], Search(store, [new object?[] { "email", "=like", "%@example.com" }]));
        Assert.Equal([a, b, c], Search(store, [new object?[] { "name", "=ilike", "_%A" }]));
    }

    [Fact]
    public void PrefixOperators_CombineLeaves()
    {
        var (store, a, b, c) = Seed();

        Assert.Equal([a, c], Search(store, ["|", new object?[] { "name", "=", "Alpha" }, new object?[] { "name", "=", "Gamma" }]));
        Assert.Equal([c], Search(store, ["&", new object?[] { "customer_rank", ">", 1L }, "!", new object?[] { "parent_id", "!=", false }]));
        Assert.Equal([b], Search(store, [new object?[] { "parent_id.name", "=", "Alpha" }]));
    }

    [Fact]
    public void FalseMatchesEmptyValues()
    {
        var (store, _, b, _) = Seed();

        Assert.Equal([b], Search(store, [new object?[] { "email", "=", false }]));
    }

    [Fact]
    public void OrderOffsetAndLimit_ApplyInThatOrder()
    {
        var (store, a, b, c) = Seed();

        Assert.Equal([b, c, a], store.Search("res.partner", [], 0, null, "customer_rank desc"));
        Assert.Equal([c], store.Search("res.partner", [], 1, 1, "customer_rank desc"));
        Assert.Equal([a, b, c], store.Search("res.partner", [], 0, null, "id"));
    }

    [Fact]
    public void X2ManyCommands_CreateLinkUnlinkSetAndClear()
    {
        var (store, a, _, _) = Seed();
        var vip = store.Create("res.partner.category", [new Dictionary<string, object?> { ["name"] = "VIP" }])[0];

        store.Write("res.partner", [a], new Dictionary<string, object?> { ["category_id"] = new List<object?> { new object?[] { 0L, 0L, new Dictionary<string, object?> { ["name"] = "New" } }, new object?[] { 4L, vip, 0L } } });
        var afterAdd = (long[])store.Read("res.partner", [a], ["category_id"])[0]["category_id"]!;
        store.Write("res.partner", [a], new Dictionary<string, object?> { ["category_id"] = new List<object?> { new object?[] { 3L, vip, 0L } } });
        var afterUnlink = (long[])store.Read("res.partner", [a], ["category_id"])[0]["category_id"]!;
        store.Write("res.partner", [a], new Dictionary<string, object?> { ["category_id"] = new List<object?> { new object?[] { 6L, 0L, new List<object?> { vip } } } });
        var afterSet = (long[])store.Read("res.partner", [a], ["category_id"])[0]["category_id"]!;
        store.Write("res.partner", [a], new Dictionary<string, object?> { ["category_id"] = new List<object?> { new object?[] { 5L, 0L, 0L } } });
        var afterClear = (long[])store.Read("res.partner", [a], ["category_id"])[0]["category_id"]!;

        Assert.Equal(2, afterAdd.Length);
        Assert.Contains(vip, afterAdd);
        Assert.DoesNotContain(vip, afterUnlink);
        Assert.Equal([vip], afterSet);
        Assert.Empty(afterClear);
    }

    [Fact]
    public void UnknownFieldInDomain_IsAnArgumentError()
    {
        var (store, _, _, _) = Seed();

        Assert.Throws<ArgumentException>(() => Search(store, [new object?[] { "nope", "=", 1L }]));
    }

    [Fact]
    public void UnknownFieldInDomain_ReachesScriptsAsValueError()
    {
        var (store, _, _, _) = Seed();

        var e = Assert.Throws<ScriptRuntimeException>(() => ScriptEngine.Shared.Evaluate("env['res.partner'].search([('nope', '=', 1)])", new ScriptContext { Environment = store }));

        Assert.Equal(("ValueError", "Invalid field res.partner.nope in leaf"), (e.TypeName, e.PythonMessage));
    }
}
