using System.Text.Json.Nodes;

namespace Automation.Core.Models;

/// <summary>
/// The models the engine itself needs (issue #4), always present and never editable, plus the starter model
/// <c>sale.order</c>. Field names, labels and selection keys are Odoo's so that rules read as they do in Odoo
/// (API.md: "Rules and actions use Odoo's field names and selection values").
/// <para>
/// Where Odoo differs from a flat record: <c>mail.message</c> names a record by <c>subject</c> (Odoo computes
/// <c>record_name</c>), <c>mail.activity</c> by <c>summary</c>, <c>mail.followers</c> by <c>partner_id</c> (Odoo's
/// <c>_rec_name</c>); <c>mail.message.subtype</c> is the selection <c>subtype</c> (comment/note) rather than a
/// model; related-model references in mail models are the model's name as text (Odoo's <c>res_model</c>).
/// Dynamic Odoo defaults (e.g. an activity's deadline "today") are left to the actions that create those records.
/// </para>
/// </summary>
public static class BuiltInModels
{
    public static IReadOnlyList<ModelDefinition> All { get; } = Build();

    private static readonly Dictionary<string, ModelDefinition> ByName = All.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static ModelDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    public static bool IsBuiltIn(string name) => ByName.ContainsKey(name);

    private static List<ModelDefinition> Build() =>
    [
        Model("res.users", "User",
            Char("name", "Name", required: true),
            Char("login", "Login", required: true),
            Many2one("partner_id", "Related Partner", "res.partner"),
            Char("email", "Email"),
            Boolean("share", "Share User"), // a portal user: its partner's messages count as received (spec §2.7)
            Many2many("group_ids", "Groups", "res.groups"), // actions restricted to groups run only for their members (spec §5.1)
            Active()),
        Model("res.groups", "Access Groups",
            Char("name", "Name", required: true),
            Text("comment", "Comment")),
        Model("res.partner", "Contact",
            Char("name", "Name", required: true),
            Char("email", "Email"),
            Char("phone", "Phone"),
            Char("mobile", "Mobile"),
            Selection("company_type", "Company Type", "person", ("person", "Individual"), ("company", "Company")),
            Boolean("is_company", "Is a Company"),
            Integer("customer_rank", "Customer Rank"),
            Integer("supplier_rank", "Supplier Rank"),
            Many2one("parent_id", "Related Company", "res.partner"),
            One2many("child_ids", "Contact", "res.partner", "parent_id"),
            Many2one("country_id", "Country", "res.country"),
            Many2many("category_id", "Tags", "res.partner.category"),
            Many2one("user_id", "Salesperson", "res.users"),
            Char("street", "Street"),
            Char("city", "City"),
            Char("zip", "Zip"),
            Char("website", "Website Link"),
            Text("comment", "Notes"),
            Active()),
        Model("res.partner.category", "Partner Tags",
            Char("name", "Tag Name", required: true),
            Integer("color", "Color"),
            Many2one("parent_id", "Parent Category", "res.partner.category"),
            Active()),
        Model("res.currency", "Currency",
            Char("name", "Currency", required: true), // the ISO 4217 code, as in Odoo
            Char("symbol", "Symbol"),
            Float("rate", "Current Rate"),
            Active()),
        Model("res.country", "Country",
            Char("name", "Country Name", required: true),
            Char("code", "Country Code")),
        Model("mail.message", "Message", recName: "subject",
            Char("model", "Related Document Model"),
            Integer("res_id", "Related Document ID"),
            Html("body", "Contents"),
            Selection("message_type", "Type", "comment",
                ("comment", "Comment"), ("email", "Incoming Email"), ("notification", "System notification"),
                ("auto_comment", "Automated Targeted Notification"), ("user_notification", "User Specific Notification")),
            Selection("subtype", "Subtype", "comment", ("comment", "Discussions"), ("note", "Note")),
            Many2one("author_id", "Author", "res.partner"),
            Datetime("date", "Date"),
            Char("subject", "Subject")),
        Model("mail.activity", "Activity", recName: "summary",
            Char("res_model", "Related Document Model"),
            Integer("res_id", "Related Document ID"),
            Many2one("activity_type_id", "Activity Type", "mail.activity.type"),
            Char("summary", "Summary"),
            Html("note", "Note"),
            Date("date_deadline", "Due Date"),
            Many2one("user_id", "Assigned to", "res.users")),
        Model("mail.activity.type", "Activity Type",
            Char("name", "Name", required: true),
            Char("summary", "Default Summary"),
            Integer("delay_count", "Schedule"),
            Selection("delay_unit", "Delay units", "days", ("days", "days"), ("weeks", "weeks"), ("months", "months")),
            Active()),
        Model("mail.followers", "Document Followers", recName: "partner_id",
            Char("res_model", "Related Document Model Name", required: true),
            Integer("res_id", "Related Document ID"),
            Many2one("partner_id", "Related Partner", "res.partner", required: true)),
        Model("mail.template", "Email Templates",
            Char("name", "Name"),
            Char("model", "Related Document Model"),
            Char("subject", "Subject"),
            Html("body_html", "Body"),
            Char("email_from", "From"),
            Char("email_to", "To (Emails)"),
            Char("partner_to", "To (Partners)"),
            Char("email_cc", "Cc"),
            Char("reply_to", "Reply To")),
        Model("sms.template", "SMS Templates",
            Char("name", "Name"),
            Char("model", "Applies to"),
            Text("body", "Body")),
        Model("whatsapp.template", "WhatsApp Templates",
            Char("name", "Name"),
            Char("model", "Applies to"),
            Text("body", "Template body"),
            Char("phone_field", "Phone Field")),
        Model("ir.sequence", "Sequence",
            Char("name", "Name", required: true),
            Char("code", "Sequence Code"),
            Char("prefix", "Prefix"),
            Char("suffix", "Suffix"),
            Integer("padding", "Sequence Size", 0),
            Integer("number_next", "Next Number", 1),
            Integer("number_increment", "Step", 1),
            Selection("implementation", "Implementation", "standard", ("standard", "Standard"), ("no_gap", "No gap")),
            Boolean("use_date_range", "Use subsequences per date_range"),
            One2many("date_range_ids", "Subsequences", "ir.sequence.date_range", "sequence_id"),
            Active()),
        // spec §6 "Date ranges": a counter per range; a draw outside every range creates one (SequenceNumbers).
        Model("ir.sequence.date_range", "Sequence Date Range", recName: "id",
            Many2one("sequence_id", "Main Sequence", "ir.sequence", required: true),
            Date("date_from", "From"),
            Date("date_to", "To"),
            Integer("number_next", "Next Number", 1)),
        Model("crm.tag", "CRM Tag",
            Char("name", "Tag Name", required: true),
            Integer("color", "Color")),
        Model("sale.order", "Sales Order",
            // spec §6: the name is drawn from the ir.sequence with code "sale.order" (S00001…) when left empty.
            Char("name", "Order Reference", required: true) with { Sequence = "sale.order" },
            Many2one("partner_id", "Customer", "res.partner", required: true),
            Many2one("currency_id", "Currency", "res.currency"),
            Selection("state", "Status", "draft",
                ("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order"), ("cancel", "Cancelled")),
            Monetary("amount_total", "Total"),
            Datetime("date_order", "Order Date"),
            Many2one("user_id", "Salesperson", "res.users"),
            Many2many("tag_ids", "Tags", "crm.tag"),
            Text("note", "Terms and conditions")),
        .. Time.CalendarModels.All, // working-day delays of time rules (issue #9)
    ];

    private static ModelDefinition Model(string name, string description, params FieldDefinition[] fields) =>
        new(name, fields, description, builtIn: true);

    private static ModelDefinition Model(string name, string description, string recName, params FieldDefinition[] fields) =>
        new(name, fields, description, recName, builtIn: true);

    private static FieldDefinition Field(string name, FieldType type, string label, bool required = false) =>
        new() { Name = name, Type = type, String = label, Required = required };

    private static FieldDefinition Char(string name, string label, bool required = false) => Field(name, FieldType.Char, label, required);

    private static FieldDefinition Text(string name, string label) => Field(name, FieldType.Text, label);

    private static FieldDefinition Html(string name, string label) => Field(name, FieldType.Html, label);

    private static FieldDefinition Integer(string name, string label, long? defaultValue = null) =>
        Field(name, FieldType.Integer, label) with { Default = defaultValue is { } d ? JsonValue.Create(d) : null };

    private static FieldDefinition Float(string name, string label) => Field(name, FieldType.Float, label);

    private static FieldDefinition Monetary(string name, string label) => Field(name, FieldType.Monetary, label);

    private static FieldDefinition Boolean(string name, string label) => Field(name, FieldType.Boolean, label);

    private static FieldDefinition Date(string name, string label) => Field(name, FieldType.Date, label);

    private static FieldDefinition Datetime(string name, string label) => Field(name, FieldType.Datetime, label);

    // Odoo's `active` defaults to True: records are created visible and archived by writing False.
    private static FieldDefinition Active() => Field("active", FieldType.Boolean, "Active") with { Default = JsonValue.Create(true) };

    private static FieldDefinition Selection(string name, string label, string defaultKey, params (string Key, string Label)[] options) =>
        Field(name, FieldType.Selection, label) with
        {
            Selection = [.. options.Select(o => new SelectionOption(o.Key, o.Label))],
            Default = JsonValue.Create(defaultKey),
        };

    private static FieldDefinition Many2one(string name, string label, string relation, bool required = false) =>
        Field(name, FieldType.Many2one, label, required) with { Relation = relation };

    private static FieldDefinition One2many(string name, string label, string relation, string inverseName) =>
        Field(name, FieldType.One2many, label) with { Relation = relation, InverseName = inverseName };

    private static FieldDefinition Many2many(string name, string label, string relation) =>
        Field(name, FieldType.Many2many, label) with { Relation = relation };
}
