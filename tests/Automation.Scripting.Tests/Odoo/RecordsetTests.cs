using Automation.Scripting.Odoo;

namespace Automation.Scripting.Tests.Odoo;

public class RecordsetTests
{
    private static readonly ScriptEngine Engine = new();

    private static (InMemoryRecordStore Store, long Belgium, long Ada, long Bob) Seed()
    {
        var store = PartnerStore.Create();
        var be = store.Create("res.country", [new Dictionary<string, object?> { ["name"] = "Belgium", ["code"] = "BE" }])[0];
        var ada = store.AddPartner("Ada", new() { ["email"] = "ada@example.com", ["country_id"] = be, ["credit_limit"] = 100.5, ["customer_rank"] = 3L });
        var bob = store.AddPartner("Bob", new() { ["parent_id"] = ada, ["customer_rank"] = 1L });
        return (store, be, ada, bob);
    }

    private static object? Eval(InMemoryRecordStore store, string expr, IReadOnlyList<long>? ids = null) =>
        Engine.Evaluate(expr, new ScriptContext { Environment = store, Model = "res.partner", RecordIds = ids });

    private static ScriptResult Exec(InMemoryRecordStore store, string code, IReadOnlyList<long>? ids = null) =>
        Engine.Run(code, new ScriptContext { Environment = store, Model = "res.partner", RecordIds = ids });

    [Fact]
    public void FieldAccess_FollowsMany2oneLazily()
    {
        var (store, _, _, bob) = Seed();

        Assert.Equal("Belgium", Eval(store, "record.parent_id.country_id.name", [bob]));
    }

    [Fact]
    public void EmptyMany2one_IsAnEmptyFalsyRecordset()
    {
        var (store, _, ada, _) = Seed();

        Assert.Equal(new object?[] { "res.partner()", false, 0L, false }, Eval(store, "(repr(record.parent_id), bool(record.parent_id), len(record.parent_id), record.parent_id.name)", [ada]));
    }

    [Fact]
    public void EmptyCharField_ReadsAsFalse_LikeOdoo()
    {
        var (store, _, _, bob) = Seed();

        Assert.Equal(false, Eval(store, "record.email", [bob]));
    }

    [Fact]
    public void AttributeAssignment_WritesThroughTheStore()
    {
        var (store, _, ada, _) = Seed();

        var result = Exec(store, "record.name = 'Ada King'\nr = record.name", [ada]);

        Assert.Equal("Ada King", store.Read("res.partner", [ada], ["name"])[0]["name"]);
        Assert.True(result.TryGetVariable("r", out var r));
        Assert.Equal("Ada King", r);
    }

    [Fact]
    public void Search_WithDomainLimitAndOrder_ReturnsMatchingIds()
    {
        var (store, _, ada, bob) = Seed();
        var carl = store.AddPartner("Carl", new() { ["customer_rank"] = 5L });

        Assert.Equal(new ScriptRecordSet("res.partner", [carl, ada]), Eval(store, "env['res.partner'].search([('customer_rank', '>', 1)], order='customer_rank desc')"));
        Assert.Equal(new ScriptRecordSet("res.partner", [ada]), Eval(store, "env['res.partner'].search(['|', ('name', '=', 'Ada'), ('name', 'ilike', 'zz')], limit=1)"));
        Assert.Equal(2L, Eval(store, "env['res.partner'].search_count([('parent_id', '=', False)])"));
        Assert.Equal(new ScriptRecordSet("res.partner", [bob]), Eval(store, "env['res.partner'].search([('parent_id.name', '=', 'Ada')])"));
    }

    [Fact]
    public void Create_WithAList_ReturnsAllNewRecords()
    {
        var (store, _, _, _) = Seed();

        var result = Exec(store, "recs = env['res.partner'].create([{'name': 'X'}, {'name': 'Y'}])\nr = (len(recs), recs.mapped('name'))");

        Assert.True(result.TryGetVariable("r", out var r));
        Assert.Equal(new object?[] { 2L, new List<object?> { "X", "Y" } }, r);
    }

    [Fact]
    public void Create_WithRecordAsMany2oneValue_StoresTheId()
    {
        var (store, be, _, _) = Seed();

        Exec(store, "env['res.partner'].create({'name': 'Z', 'country_id': env['res.country'].search([('code', '=', 'BE')])})");

        var z = store.Search("res.partner", [new object?[] { "name", "=", "Z" }], 0, null, null);
        Assert.Equal(be, store.Read("res.partner", z, ["country_id"])[0]["country_id"]);
    }

    [Fact]
    public void Many2many_CommandsAndFieldAccess_Work()
    {
        var (store, _, ada, _) = Seed();

        var result = Exec(store, """
            record.write({'category_id': [Command.create({'name': 'VIP'}), Command.create({'name': 'Gold'})]})
            r = sorted(record.category_id.mapped('name'))
            """, [ada]);

        Assert.True(result.TryGetVariable("r", out var r));
        Assert.Equal(new List<object?> { "Gold", "VIP" }, r);
    }

    [Fact]
    public void Unlink_AndExists_ReflectDeletion()
    {
        var (store, _, _, bob) = Seed();

        var result = Exec(store, "rec = env['res.partner'].browse(%d)\nrec.unlink()\nr = (bool(rec.exists()), len(rec))".Replace("%d", bob.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        Assert.True(result.TryGetVariable("r", out var r));
        Assert.Equal(new object?[] { false, 1L }, r);
        Assert.Empty(store.Exists("res.partner", [bob]));
    }

    [Fact]
    public void EnsureOne_OnSeveralRecords_RaisesExpectedSingleton()
    {
        var (store, _, ada, bob) = Seed();

        var e = Assert.Throws<ScriptRuntimeException>(() => Eval(store, "records.ensure_one()", [ada, bob]));

        Assert.Equal("ValueError", e.TypeName);
        Assert.Equal($"Expected singleton: res.partner({ada}, {bob})", e.PythonMessage);
    }

    [Fact]
    public void FilteredMappedSorted_BehaveLikeOdoo()
    {
        var (store, be, ada, bob) = Seed();

        Assert.Equal(new ScriptRecordSet("res.partner", [ada]), Eval(store, "records.filtered(lambda p: p.customer_rank > 2)", [ada, bob]));
        Assert.Equal(new ScriptRecordSet("res.partner", [ada]), Eval(store, "records.filtered('email')", [ada, bob]));
        Assert.Equal(new List<object?> { "Ada", "Bob" }, Eval(store, "records.mapped('name')", [ada, bob]));
        Assert.Equal(new ScriptRecordSet("res.country", [be]), Eval(store, "records.mapped('country_id')", [ada, bob]));
        Assert.Equal(new ScriptRecordSet("res.partner", [bob, ada]), Eval(store, "records.sorted(key=lambda p: p.customer_rank)", [ada, bob]));
        Assert.Equal(new ScriptRecordSet("res.partner", [bob, ada]), Eval(store, "records.sorted('name', reverse=True)", [ada, bob]));
    }

    [Fact]
    public void RecordsetOperators_UnionIntersectionDifferenceAndMembership()
    {
        var (store, _, ada, bob) = Seed();

        Assert.Equal(
            new object?[] { new ScriptRecordSet("res.partner", [ada, bob]), new ScriptRecordSet("res.partner", [ada]), new ScriptRecordSet("res.partner", [bob]), true, 2L },
            Eval(store, "(record | records, record & records, records - record, record in records, len(records.ids))", [ada, bob]));
    }

    [Fact]
    public void MessagePost_GoesToTheStore()
    {
        var (store, _, ada, _) = Seed();

        Exec(store, "record.message_post(body='Webhook received', subject='Hi')", [ada]);

        var msg = Assert.Single(store.Messages);
        Assert.Equal(("res.partner", ada, "Webhook received", "Hi"), (msg.Model, msg.ResId, msg.Values["body"], msg.Values["subject"]));
    }

    [Fact]
    public void UserError_ReachesTheCallerWithItsTypeName()
    {
        var (store, _, _, _) = Seed();

        var e = Assert.Throws<ScriptRuntimeException>(() => Exec(store, "raise UserError('Credit limit exceeded')"));

        Assert.Equal(("UserError", "Credit limit exceeded", 1), (e.TypeName, e.PythonMessage, e.Line));
    }

    [Fact]
    public void ValidationError_IsCaughtByExceptUserError()
    {
        var (store, _, _, _) = Seed();

        var result = Exec(store, "try:\n    raise ValidationError('bad')\nexcept UserError as e:\n    r = 'caught ' + str(e)");

        Assert.True(result.TryGetVariable("r", out var r));
        Assert.Equal("caught bad", r);
    }

    [Fact]
    public void Action_AssignedByTheCode_IsReadableByTheCaller()
    {
        var (store, _, ada, _) = Seed();

        var result = Exec(store, "action = {'type': 'ir.actions.act_window', 'res_id': record.id, 'warning': {'title': 'T'}}", [ada]);

        var action = Assert.IsType<Dictionary<string, object?>>(result.Action);
        Assert.Equal(ada, action["res_id"]);
        Assert.Equal("T", ((Dictionary<string, object?>)action["warning"]!)["title"]);
    }

    [Fact]
    public void LogAndLogger_ReachTheSinkWithLevels()
    {
        var (store, _, _, _) = Seed();
        var sink = new List<ScriptLogEntry>();

        var result = Engine.Run("log('plain')\nlog('careful', level='warning')\n_logger.info('n=%s', 3)", new ScriptContext { Environment = store, LogSink = sink.Add });

        Assert.Equal([new("info", "plain", 1), new("warning", "careful", 2), new("info", "n=3", 3)], sink);
        Assert.Equal(sink, result.Logs);
    }

    [Fact]
    public void UidUserAndEnvUser_DescribeTheRunningUser()
    {
        var (store, _, _, _) = Seed();

        Assert.Equal(new object?[] { store.Uid, "Administrator", true }, Eval(store, "(uid, user.name, env.user == user)"));
    }

    [Fact]
    public void DateField_ReadsAsDate_AndAcceptsDateArithmetic()
    {
        var (store, _, ada, _) = Seed();
        store.Write("res.partner", [ada], new Dictionary<string, object?> { ["date"] = new DateOnly(2024, 1, 31) });

        Exec(store, "record.date = record.date + dateutil.relativedelta.relativedelta(months=1)", [ada]);

        Assert.Equal(new DateOnly(2024, 2, 29), store.Read("res.partner", [ada], ["date"])[0]["date"]);
    }

    [Fact]
    public void UnknownField_RaisesAttributeError()
    {
        var (store, _, ada, _) = Seed();

        var e = Assert.Throws<ScriptRuntimeException>(() => Eval(store, "record.nope", [ada]));

        Assert.Equal(("AttributeError", "'res.partner' object has no attribute 'nope'"), (e.TypeName, e.PythonMessage));
    }
}
