using System.Text.Json;
using Automation.Scripting.Odoo;

namespace Automation.Scripting.Tests.Odoo;

/// <summary>The two code samples of Odoo's webhook documentation (SCRIPTING.md), unchanged.</summary>
public class WebhookSampleTests
{
    private const string RecordGetter = "model.env[payload.get('_model')].browse(int(payload.get('_id')))";

    private const string ContactCode = """
        contact_name = payload.get('name')
        contact_email = payload.get('email')
        contact_phone = payload.get('phone')
        if contact_name and contact_email:
            new_partner = env['res.partner'].create({
                'name': contact_name,
                'email': contact_email,
                'phone': contact_phone,
                'company_type': 'person',
                'customer_rank': 1,
            })
        else:
            raise ValueError("Missing required fields: 'name' and 'email'")
        """;

    private static readonly ScriptEngine Engine = new();

    [Fact]
    public void RecordGetter_ReturnsTheRecordNamedByThePayload()
    {
        var store = PartnerStore.Create();
        store.AddPartner("Other");
        var id = store.AddPartner("Ada Lovelace");
        using var payload = JsonDocument.Parse($$"""{"_model": "res.partner", "_id": {{id}}}""");
        var context = new ScriptContext { Environment = store, Model = "res.partner", Payload = payload.RootElement };

        var result = Engine.Evaluate(RecordGetter, context);

        Assert.Equal(new ScriptRecordSet("res.partner", [id]), result);
    }

    [Fact]
    public void RecordGetter_WithIdAsString_ConvertsWithInt()
    {
        var store = PartnerStore.Create();
        var id = store.AddPartner("Ada");
        using var payload = JsonDocument.Parse($$"""{"_model": "res.partner", "_id": "{{id}}"}""");

        var result = Engine.Evaluate(RecordGetter, new ScriptContext { Environment = store, Model = "res.partner", Payload = payload.RootElement });

        Assert.Equal(new ScriptRecordSet("res.partner", [id]), result);
    }

    [Fact]
    public void RecordGetter_UnknownModel_RaisesKeyError()
    {
        var store = PartnerStore.Create();
        using var payload = JsonDocument.Parse("""{"_model": "no.such.model", "_id": 1}""");

        var e = Assert.Throws<ScriptRuntimeException>(() => Engine.Evaluate(RecordGetter, new ScriptContext { Environment = store, Model = "res.partner", Payload = payload.RootElement }));

        Assert.Equal("KeyError", e.TypeName);
        Assert.Equal("'no.such.model'", e.PythonMessage);
    }

    [Fact]
    public void ContactCode_WithNameAndEmail_CreatesThePartner()
    {
        var store = PartnerStore.Create();
        using var payload = JsonDocument.Parse("""{"name": "Grace Hopper", "email": "grace@example.com", "phone": "+1 555 0100"}""");

        Engine.Run(ContactCode, new ScriptContext { Environment = store, Model = "res.partner", Payload = payload.RootElement });

        var ids = store.Search("res.partner", [new object?[] { "email", "=", "grace@example.com" }], 0, null, null);
        var row = Assert.Single(store.Read("res.partner", ids, null));
        Assert.Equal("Grace Hopper", row["name"]);
        Assert.Equal("+1 555 0100", row["phone"]);
        Assert.Equal("person", row["company_type"]);
        Assert.Equal(1L, row["customer_rank"]);
    }

    [Fact]
    public void ContactCode_WithoutEmail_RaisesValueErrorWithTheMessageVerbatim()
    {
        var store = PartnerStore.Create();
        using var payload = JsonDocument.Parse("""{"name": "Grace Hopper"}""");

        var e = Assert.Throws<ScriptRuntimeException>(() => Engine.Run(ContactCode, new ScriptContext { Environment = store, Model = "res.partner", Payload = payload.RootElement }));

        Assert.Equal("ValueError", e.TypeName);
        Assert.Equal("Missing required fields: 'name' and 'email'", e.PythonMessage);
        Assert.Equal(13, e.Line);
        Assert.Empty(store.Search("res.partner", [], 0, null, null));
    }
}
