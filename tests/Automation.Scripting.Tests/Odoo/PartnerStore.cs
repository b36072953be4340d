using Automation.Scripting.Odoo;

namespace Automation.Scripting.Tests.Odoo;

/// <summary>An in-memory store with res.partner / res.country / crm.tag shaped like Odoo's, for the environment tests.</summary>
internal static class PartnerStore
{
    public static InMemoryRecordStore Create()
    {
        var store = new InMemoryRecordStore();
        store.AddModel(new ScriptModel("res.country", new ScriptField("name", ScriptFieldType.Char), new ScriptField("code", ScriptFieldType.Char)));
        store.AddModel(new ScriptModel("res.partner.category", new ScriptField("name", ScriptFieldType.Char)));
        store.AddModel(new ScriptModel(
            "res.partner",
            new ScriptField("name", ScriptFieldType.Char),
            new ScriptField("email", ScriptFieldType.Char),
            new ScriptField("phone", ScriptFieldType.Char),
            new ScriptField("company_type", ScriptFieldType.Selection),
            new ScriptField("customer_rank", ScriptFieldType.Integer),
            new ScriptField("credit_limit", ScriptFieldType.Float),
            new ScriptField("active", ScriptFieldType.Boolean),
            new ScriptField("date", ScriptFieldType.Date),
            new ScriptField("country_id", ScriptFieldType.Many2one, "res.country"),
            new ScriptField("parent_id", ScriptFieldType.Many2one, "res.partner"),
            new ScriptField("category_id", ScriptFieldType.Many2many, "res.partner.category")));
        return store;
    }

    public static long AddPartner(this InMemoryRecordStore store, string name, Dictionary<string, object?>? extra = null)
    {
        var vals = new Dictionary<string, object?> { ["name"] = name, ["active"] = true };
        foreach (var (k, v) in extra ?? [])
        {
            vals[k] = v;
        }

        return store.Create("res.partner", [vals])[0];
    }
}
