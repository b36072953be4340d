using System.Globalization;
using System.Text.Json.Nodes;

namespace Automation.Core.Demo;

/// <summary>One demo record: its model, its explicit id and its values in record JSON (API.md "Records").</summary>
public sealed record DemoRecord(string Model, long Id, JsonObject Values);

/// <summary>
/// Demo data for the quick-start run (issue #4), in creation order: every relation points to a record listed earlier,
/// so a store that checks relations can load it front to back. Ids are explicit, 1…N per model, so the Odoo
/// documentation's examples work as written: sale order 7 exists and is in EUR (currency 2), which the webhook
/// example then changes to USD (currency 1). Names follow Odoo's demo data where it has one.
/// </summary>
public static class DemoData
{
    public static IReadOnlyList<DemoRecord> Records { get; } = Build();

    private static List<DemoRecord> Build()
    {
        var records = new List<DemoRecord>();
        void Add(string model, long id, JsonObject values) => records.Add(new DemoRecord(model, id, values));

        Add("res.currency", 1, new JsonObject { ["name"] = "USD", ["symbol"] = "$", ["rate"] = 1.0 });
        Add("res.currency", 2, new JsonObject { ["name"] = "EUR", ["symbol"] = "€", ["rate"] = 0.92 });

        Add("res.country", 1, new JsonObject { ["name"] = "Belgium", ["code"] = "BE" });
        Add("res.country", 2, new JsonObject { ["name"] = "United States", ["code"] = "US" });
        Add("res.country", 3, new JsonObject { ["name"] = "France", ["code"] = "FR" });
        Add("res.country", 4, new JsonObject { ["name"] = "Germany", ["code"] = "DE" });

        Add("res.partner.category", 1, new JsonObject { ["name"] = "Prospects", ["color"] = 2 });
        Add("res.partner.category", 2, new JsonObject { ["name"] = "Vendor", ["color"] = 3 });
        Add("res.partner.category", 3, new JsonObject { ["name"] = "Services", ["color"] = 4 });
        Add("res.partner.category", 4, new JsonObject { ["name"] = "Office Supplies", ["color"] = 5, ["parent_id"] = 2 });

        Add("res.partner", 1, Company("YourCompany", "info@yourcompany.example.com", "+1 555-555-5556",
            "250 Executive Park Blvd, Suite 3400", "San Francisco", "94134", 2, website: "https://www.example.com"));
        Add("res.partner", 2, Contact("Mitchell Admin", 1, "admin@yourcompany.example.com", "+1 555-555-5555", 2));
        Add("res.partner", 3, Company("Azure Interior", "azure.interior24@example.com", "+1 870-931-0505",
            "4557 De Silva St", "Fremont", "94538", 2, customerRank: 1, tags: [3]));
        Add("res.partner", 4, Contact("Brandon Freeman", 3, "brandon.freeman55@example.com", "+1 555-555-5557", 2));
        Add("res.partner", 5, Company("Deco Addict", "deco.addict82@example.com", "+1 555-555-5558",
            "77 Santa Barbara Rd", "Pleasant Hill", "94523", 2, customerRank: 1, tags: [1]));
        Add("res.partner", 6, Contact("Addison Olson", 5, "addison.olson28@example.com", "+1 555-555-5559", 2));
        Add("res.partner", 7, Company("Gemini Furniture", "gemini.furniture39@example.com", "+1 555-555-5560",
            "317 Fairchild Dr", "Fairfield", "94535", 2, customerRank: 1));
        Add("res.partner", 8, Contact("Edwin Hansen", 7, "edwin.hansen58@example.com", "+1 555-555-5561", 2));
        Add("res.partner", 9, Company("Ready Mat", "ready.mat28@example.com", "+32 2 290 34 90",
            "Rue du Midi 120", "Brussels", "1000", 1, customerRank: 1, supplierRank: 1, tags: [2, 4]));
        Add("res.partner", 10, Contact("Marc Demo", 1, "mark.brown23@example.com", "+1 555-555-5562", 2));
        Add("res.partner", 11, Contact("Joel Willis", null, "joel.willis63@example.com", "+33 1 23 45 67 89", 3, customerRank: 1));
        Add("res.partner", 12, Contact("Lena Krüger", 9, "lena.krueger@example.com", "+49 30 1234567", 4));

        Add("res.users", 1, new JsonObject
        {
            ["name"] = "Administrator",
            ["login"] = "admin",
            ["partner_id"] = 2,
            ["email"] = "admin@yourcompany.example.com",
        });
        Add("res.users", 2, new JsonObject
        {
            ["name"] = "Marc Demo",
            ["login"] = "demo",
            ["partner_id"] = 10,
            ["email"] = "mark.brown23@example.com",
        });

        Add("mail.activity.type", 1, ActivityType("Email", 0, "days"));
        Add("mail.activity.type", 2, ActivityType("Call", 2, "days"));
        Add("mail.activity.type", 3, ActivityType("Meeting", 1, "weeks"));
        Add("mail.activity.type", 4, ActivityType("To-Do", 5, "days"));
        Add("mail.activity.type", 5, ActivityType("Upload Document", 5, "days"));

        string[] tags = ["Product", "Software", "Services", "Information", "Design", "Training", "Consulting", "Other"];
        for (var i = 0; i < tags.Length; i++)
        {
            Add("crm.tag", i + 1, new JsonObject { ["name"] = tags[i], ["color"] = i + 1 });
        }

        // spec §6: S + 5-digit number; 12 orders exist, so the next one drawn is S00013.
        Add("ir.sequence", 1, new JsonObject
        {
            ["name"] = "Sales Order",
            ["code"] = "sale.order",
            ["prefix"] = "S",
            ["padding"] = 5,
            ["number_next"] = 13,
            ["number_increment"] = 1,
            ["implementation"] = "standard",
        });

        (long Partner, string State, double Amount, string Date, long User, long[] Tags)[] orders =
        [
            (3, "draft", 1740.00, "2026-10-01T09:12:00Z", 1, [1]),
            (5, "sent", 2947.50, "2026-10-03T14:30:00Z", 2, [1, 3]),
            (7, "sale", 9705.00, "2026-10-06T10:05:00Z", 1, []),
            (9, "sale", 1286.25, "2026-10-09T16:45:00Z", 2, [2]),
            (4, "cancel", 377.50, "2026-10-13T08:20:00Z", 1, []),
            (11, "draft", 2480.00, "2026-10-16T11:00:00Z", 2, [7]),
            (6, "sale", 1127.00, "2026-10-20T13:15:00Z", 1, [1, 5]),
            (8, "sent", 645.00, "2026-10-23T09:40:00Z", 1, [6]),
            (3, "sale", 12450.00, "2026-10-27T15:10:00Z", 2, [2, 3]),
            (12, "draft", 390.00, "2026-11-02T10:30:00Z", 1, []),
            (5, "sale", 5230.75, "2026-11-09T12:00:00Z", 2, [4]),
            (10, "draft", 88.00, "2026-11-16T17:25:00Z", 1, [8]),
        ];
        for (var i = 0; i < orders.Length; i++)
        {
            var (partner, state, amount, date, user, tagIds) = orders[i];
            var id = i + 1;
            Add("sale.order", id, new JsonObject
            {
                ["name"] = string.Create(CultureInfo.InvariantCulture, $"S{id:00000}"),
                ["partner_id"] = partner,
                ["currency_id"] = id == 7 ? 2 : 1, // order 7 is the Odoo docs' EUR order (see class comment)
                ["state"] = state,
                ["amount_total"] = amount,
                ["date_order"] = date,
                ["user_id"] = user,
                ["tag_ids"] = new JsonArray([.. tagIds.Select(t => (JsonNode)t)]),
            });
        }

        return records;
    }

    private static JsonObject Company(string name, string email, string phone, string street, string city, string zip, long country,
        long customerRank = 0, long supplierRank = 0, long[]? tags = null, string? website = null) => new()
        {
            ["name"] = name,
            ["is_company"] = true,
            ["company_type"] = "company",
            ["email"] = email,
            ["phone"] = phone,
            ["street"] = street,
            ["city"] = city,
            ["zip"] = zip,
            ["country_id"] = country,
            ["customer_rank"] = customerRank,
            ["supplier_rank"] = supplierRank,
            ["category_id"] = new JsonArray([.. (tags ?? []).Select(t => (JsonNode)t)]),
            ["website"] = website,
        };

    private static JsonObject Contact(string name, long? parent, string email, string phone, long country, long customerRank = 0) => new()
    {
        ["name"] = name,
        ["is_company"] = false,
        ["company_type"] = "person",
        ["parent_id"] = parent,
        ["email"] = email,
        ["mobile"] = phone,
        ["country_id"] = country,
        ["customer_rank"] = customerRank,
    };

    private static JsonObject ActivityType(string name, long delay, string unit) => new()
    {
        ["name"] = name,
        ["delay_count"] = delay,
        ["delay_unit"] = unit,
    };
}
