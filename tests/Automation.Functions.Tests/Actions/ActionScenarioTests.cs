using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Automation.Testing;
using static Automation.Functions.Tests.Actions.ActionTestApp;

namespace Automation.Functions.Tests.Actions;

/// <summary>
/// Spec §10 "Server actions" scenarios 47–57 (and the §5.2 warnings) through the rules API, real HTTP and Azurite. Rules
/// are webhook-triggered and run by the test endpoint on a chosen record, so no rule of one test fires in another.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ActionScenarioTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ActionTestApp _app = null!;
    private string _suffix = "";

    public async Task InitializeAsync()
    {
        _app = await StartAsync(azurite);
        _suffix = Guid.NewGuid().ToString("N")[..8];
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Scenario47_Many2manyOperations_SetAddRemoveClear()
    {
        var c1 = await _app.CreateAsync("res.partner.category", """{"name":"C1"}""");
        var c2 = await _app.CreateAsync("res.partner.category", """{"name":"C2"}""");
        var partner = await _app.CreateAsync("res.partner", $$"""{"name":"M2M {{_suffix}}"}""");

        async Task<long[]> ApplyAsync(string operation, long category)
        {
            var rule = await _app.CreateRuleAsync("res.partner", Action("object_write", operation, ("update_path", "category_id"),
                ("update_m2m_operation", operation), ("resource_ref", $"res.partner.category,{category}")));
            await _app.RunAsync(rule, partner);
            return (await _app.ReadAsync("res.partner", partner))["category_id"]!.AsArray().Select(n => n!.GetValue<long>()).Order().ToArray();
        }

        Assert.Equal([c1], await ApplyAsync("set", c1));
        Assert.Equal(new[] { c1, c2 }.Order(), await ApplyAsync("add", c2));
        Assert.Equal([c2], await ApplyAsync("remove", c1));
        Assert.Empty(await ApplyAsync("clear", c2));
    }

    [Fact]
    public async Task Scenario48_PathUpdate_RenamesTheRelatedRecord_AndANonRelationalSegmentIsRefused()
    {
        var country = await _app.CreateAsync("res.country", """{"name":"TestCountry","code":"TC"}""");
        var partner = await _app.CreateAsync("res.partner", $$"""{"name":"Path {{_suffix}}","country_id":{{country}}}""");
        var rule = await _app.CreateRuleAsync("res.partner", Action("object_write", "Rename country", ("update_path", "country_id.name"),
            ("value", "TestUpdatedCountry")));

        await _app.RunAsync(rule, partner);
        var errors = await _app.RefusedRuleAsync("res.partner", "on_webhook",
            Action("object_write", "Bad path", ("update_path", "country_id.name.foo"), ("value", "x")));

        Assert.Equal("TestUpdatedCountry", (await _app.ReadAsync("res.country", country))["name"]!.GetValue<string>());
        Assert.StartsWith("The path contained by the field 'Field to Update Path' contains a non-relational field (name)",
            errors["action_server_ids.0.update_path"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario49_SequenceUpdate_WritesTheFormattedNumber_AndANonCharFieldIsAWarning()
    {
        var model = await LeadModelAsync();
        var sequence = await _app.CreateAsync("ir.sequence", """{"name":"Partner ref","prefix":"PARTNER/","suffix":"/TEST","padding":4}""");
        var lead = await _app.CreateAsync(model, """{"name":"Lead"}""");
        var rule = await _app.CreateRuleAsync(model, Action("object_write", "Number", ("update_path", "ref"), ("evaluation_type", "sequence"),
            ("sequence_id", sequence)));

        await _app.RunAsync(rule, lead);
        var errors = await _app.RefusedRuleAsync(model, "on_webhook", Action("object_write", "Number active", ("update_path", "active"),
            ("evaluation_type", "sequence"), ("sequence_id", sequence)));

        Assert.Equal("PARTNER/0001/TEST", (await _app.ReadAsync(model, lead))["ref"]!.GetValue<string>());
        Assert.Equal("A sequence must only be used with character fields.", errors["action_server_ids.0.sequence_id"]![0]!.GetValue<string>());
        Assert.Equal("Following child actions have warnings: Number active", errors["action_server_ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario50_EquationOnSeveralRecords_EachGetsItsOwnValue()
    {
        var first = await _app.CreateAsync("res.partner", $$"""{"name":"Eq1 {{_suffix}}"}""");
        var second = await _app.CreateAsync("res.partner", $$"""{"name":"Eq2 {{_suffix}}"}""");
        var rule = await _app.CreateRuleAsync("res.partner", Action("object_write", "City is id", ("update_path", "city"),
            ("evaluation_type", "equation"), ("value", "record.id")));

        await _app.RunAsync(rule, first);
        await _app.RunAsync(rule, second);

        Assert.Equal(first.ToString(CultureInfo.InvariantCulture), (await _app.ReadAsync("res.partner", first))["city"]!.GetValue<string>());
        Assert.Equal(second.ToString(CultureInfo.InvariantCulture), (await _app.ReadAsync("res.partner", second))["city"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario51_CreateWithLink_Many2oneOne2manyAndMany2many()
    {
        var partner = await _app.CreateAsync("res.partner", $$"""{"name":"Linker {{_suffix}}"}""");
        var asParent = await _app.CreateRuleAsync("res.partner", Action("object_create", "Parent", ("crud_model_id", "res.partner"),
            ("value", $"TestNew parent {_suffix}"), ("link_field_id", "parent_id")));
        var asChild = await _app.CreateRuleAsync("res.partner", Action("object_create", "Child", ("crud_model_id", "res.partner"),
            ("value", $"TestNew child {_suffix}"), ("link_field_id", "child_ids")));
        var asTag = await _app.CreateRuleAsync("res.partner", Action("object_create", "Tag", ("crud_model_id", "res.partner.category"),
            ("value", $"TestTag {_suffix}"), ("link_field_id", "category_id")));

        await _app.RunAsync(asParent, partner);
        await _app.RunAsync(asChild, partner);
        await _app.RunAsync(asTag, partner);

        var record = await _app.ReadAsync("res.partner", partner);
        var parent = Assert.Single(await _app.SearchAsync("res.partner", $"[('name','=','TestNew parent {_suffix}')]"));
        var child = Assert.Single(await _app.SearchAsync("res.partner", $"[('name','=','TestNew child {_suffix}')]"));
        var tag = Assert.Single(await _app.SearchAsync("res.partner.category", $"[('name','=','TestTag {_suffix}')]"));
        Assert.Equal(parent!["id"]!.GetValue<long>(), record["parent_id"]!.GetValue<long>());
        Assert.Equal(partner, child!["parent_id"]!.GetValue<long>());
        Assert.Contains(tag!["id"]!.GetValue<long>(), record["category_id"]!.AsArray().Select(n => n!.GetValue<long>()));
    }

    [Fact]
    public async Task Scenario52_DuplicateWithLink_TheCopyBecomesTheParent()
    {
        var original = await _app.CreateAsync("res.partner", $$"""{"name":"TestingPartner {{_suffix}}","city":"Brussels"}""");
        var rule = await _app.CreateRuleAsync("res.partner", Action("object_copy", "Duplicate", ("crud_model_id", "res.partner"),
            ("resource_ref", $"res.partner,{original}"), ("link_field_id", "parent_id")));

        await _app.RunAsync(rule, original);

        var named = await _app.SearchAsync("res.partner", $"[('name','ilike','TestingPartner {_suffix}')]");
        Assert.Equal(2, named.Count);
        var copy = named.Single(p => p!["id"]!.GetValue<long>() != original)!;
        Assert.Equal(copy["id"]!.GetValue<long>(), (await _app.ReadAsync("res.partner", original))["parent_id"]!.GetValue<long>());
        Assert.Equal("Brussels", copy["city"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario54_MultiActions_RunChildrenInSequence_AndAnActionCannotBeItsOwnChild()
    {
        var partner = await _app.CreateAsync("res.partner", $$"""{"name":"Multi {{_suffix}}"}""");
        var multi = Action("multi", "TestAction", ("child_ids", new JsonArray(
            Action("code", "Code 1", ("sequence", 1), ("code", "action = {'type': 'ir.actions.act_window'}")),
            Action("object_write", "Update 3", ("sequence", 3), ("update_path", "city"), ("value", "Updated")),
            Action("object_create", "Create 2", ("sequence", 2), ("crud_model_id", "res.partner"), ("value", $"Created by multi {_suffix}")),
            Action("code", "Code 4", ("sequence", 4), ("code", "record.write({'city': record.city + ' last'})")))));
        var rule = await _app.CreateRuleAsync("res.partner", multi);

        var trace = await _app.RunAsync(rule, partner);
        var self = Action("multi", "Loop", ("id", "77"), ("child_ids", new JsonArray(77)));
        var errors = await _app.RefusedRuleAsync("res.partner", "on_webhook", self);

        Assert.Single(await _app.SearchAsync("res.partner", $"[('name','=','Created by multi {_suffix}')]"));
        Assert.Equal("Updated last", (await _app.ReadAsync("res.partner", partner))["city"]!.GetValue<string>());
        Assert.Equal("done", trace["actions"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("Recursion found in child server actions", errors["action_server_ids.0.child_ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario56_MultiWithAChildOfAnotherModel_IsAWarningThatBlocksSaving()
    {
        var multi = Action("multi", "TestAction", ("child_ids", new JsonArray(
            Action("object_write", "Other model", ("model_id", "res.country"), ("update_path", "name"), ("value", "x")))));

        var errors = await _app.RefusedRuleAsync("res.partner", "on_webhook", multi);

        Assert.Equal("Following child actions should have the same model (Contact): Other model",
            errors["action_server_ids.0.child_ids"]![0]!.GetValue<string>());
        Assert.Equal("Following child actions have warnings: TestAction", errors["action_server_ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario57_Followers_DynamicDottedPathAndSpecificPartner()
    {
        var userPartner = await _app.CreateAsync("res.partner", $$"""{"name":"User partner {{_suffix}}"}""");
        var user = await _app.CreateAsync("res.users", $$"""{"name":"Follower user","login":"f{{_suffix}}","partner_id":{{userPartner}}}""");
        var specific = await _app.CreateAsync("res.partner", $$"""{"name":"Specific {{_suffix}}"}""");
        var record = await _app.CreateAsync("res.partner", $$"""{"name":"Followed {{_suffix}}","user_id":{{user}}}""");
        var rule = await _app.CreateRuleAsync("res.partner",
            Action("followers", "Dynamic", ("followers_type", "generic"), ("followers_partner_field_name", "user_id.partner_id")),
            Action("followers", "Specific", ("sequence", 6), ("followers_type", "specific"), ("partner_ids", new JsonArray(specific))));

        await _app.RunAsync(rule, record);
        await _app.RunAsync(rule, record); // following twice adds nobody twice

        var followers = await _app.SearchAsync("mail.followers", $"[('res_model','=','res.partner'),('res_id','=',{record})]");
        Assert.Equal(new[] { userPartner, specific }.Order(), followers.Select(f => f!["partner_id"]!.GetValue<long>()).Order());
    }

    [Fact]
    public async Task RemoveFollowers_RemovesOnlyThosePartners()
    {
        var stays = await _app.CreateAsync("res.partner", $$"""{"name":"Stays {{_suffix}}"}""");
        var leaves = await _app.CreateAsync("res.partner", $$"""{"name":"Leaves {{_suffix}}"}""");
        var record = await _app.CreateAsync("res.partner", $$"""{"name":"Record {{_suffix}}"}""");
        var add = await _app.CreateRuleAsync("res.partner", Action("followers", "Add", ("partner_ids", new JsonArray(stays, leaves))));
        var remove = await _app.CreateRuleAsync("res.partner", Action("remove_followers", "Remove", ("partner_ids", new JsonArray(leaves))));

        await _app.RunAsync(add, record);
        await _app.RunAsync(remove, record);

        var followers = await _app.SearchAsync("mail.followers", $"[('res_model','=','res.partner'),('res_id','=',{record})]");
        Assert.Equal([stays], followers.Select(f => f!["partner_id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task CreateActivity_DynamicUserThroughADottedPath_DueInWeeks()
    {
        var type = await _app.CreateAsync("mail.activity.type", """{"name":"Call","summary":"Call the customer"}""");
        var user = await _app.CreateAsync("res.users", $$"""{"name":"Assignee","login":"a{{_suffix}}"}""");
        var company = await _app.CreateAsync("res.partner", $$"""{"name":"Company {{_suffix}}","user_id":{{user}}}""");
        var contact = await _app.CreateAsync("res.partner", $$"""{"name":"Contact {{_suffix}}","parent_id":{{company}}}""");
        var rule = await _app.CreateRuleAsync("res.partner", Action("next_activity", "Plan a call", ("activity_type_id", type),
            ("activity_note", "<p>Ask about the order</p>"), ("activity_date_deadline_range", 2), ("activity_date_deadline_range_type", "weeks"),
            ("activity_user_type", "generic"), ("activity_user_field_name", "parent_id.user_id")));

        await _app.RunAsync(rule, contact);

        var activity = Assert.Single(await _app.SearchAsync("mail.activity", $"[('res_model','=','res.partner'),('res_id','=',{contact})]"))!;
        Assert.Equal("Call the customer", activity["summary"]!.GetValue<string>());
        Assert.Equal(user, activity["user_id"]!.GetValue<long>());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            activity["date_deadline"]!.GetValue<string>());
        Assert.Equal(type, activity["activity_type_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Warnings_NegativeDueDate_JsonField_AndEmailOnDeletionAreRefusedWithOdoosMessages()
    {
        var model = await LeadModelAsync();
        var template = await _app.CreateAsync("mail.template", $$"""{"name":"T","model":"{{model}}","subject":"S"}""");

        var activity = await _app.RefusedRuleAsync(model, "on_webhook", Action("next_activity", "Late", ("activity_type_id", 1),
            ("activity_date_deadline_range", -1)));
        var json = await _app.RefusedRuleAsync(model, "on_webhook", Action("object_write", "Json", ("update_path", "data"), ("value", "{}")));
        var unlink = await _app.RefusedRuleAsync(model, "on_unlink", Action("mail_post", "Mail", ("template_id", template), ("mail_post_method", "email")));

        Assert.Equal("The 'Due Date In' value can't be negative.", activity["action_server_ids.0.activity_date_deadline_range"]![0]!.GetValue<string>());
        Assert.Equal("I'm sorry to say that JSON fields (such as 'data') are currently not supported.", json["action_server_ids.0.update_path"]![0]!.GetValue<string>());
        Assert.Equal("Email, follower or activity action types cannot be used when deleting records, as there are no more records to apply these changes to!",
            unlink["action_server_ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task TemplateOfAnotherModel_IsRefusedAtSaveTime()
    {
        var template = await _app.CreateAsync("mail.template", """{"name":"For countries","model":"res.country","subject":"S"}""");

        var errors = await _app.RefusedRuleAsync("res.partner", "on_webhook", Action("mail_post", "Mail", ("template_id", template)));

        Assert.Contains("is for res.country records", errors["action_server_ids.0.template_id"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessagePost_PostsTheRenderedTemplateInTheChatter_AndMakesItsPartnersFollow()
    {
        var follower = await _app.CreateAsync("res.partner", $$"""{"name":"Recipient {{_suffix}}","email":"r{{_suffix}}@example.com"}""");
        var record = await _app.CreateAsync("res.partner", $$"""{"name":"Chatter <{{_suffix}}>"}""");
        var template = await _app.CreateAsync("mail.template", """
            {"name":"Hello","model":"res.partner","subject":"Hello {{ object.name }}","body_html":"<p>Dear {{ object.name }}</p>",
             "partner_to":"FOLLOWER"}
            """.Replace("FOLLOWER", follower.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var rule = await _app.CreateRuleAsync("res.partner", Action("mail_post", "Post", ("template_id", template), ("mail_post_method", "comment")));

        await _app.RunAsync(rule, record);

        var message = Assert.Single(await _app.SearchAsync("mail.message", $"[('model','=','res.partner'),('res_id','=',{record})]"))!;
        Assert.Equal($"<p>Dear Chatter &lt;{_suffix}&gt;</p>", message["body"]!.GetValue<string>());
        Assert.Equal($"Hello Chatter <{_suffix}>", message["subject"]!.GetValue<string>());
        Assert.Equal("comment", message["subtype"]!.GetValue<string>());
        Assert.Single(await _app.SearchAsync("mail.followers", $"[('res_model','=','res.partner'),('res_id','=',{record}),('partner_id','=',{follower})]"));
        var notification = await _app.DeliveryAsync($"r{_suffix}@example.com", d => d["status"]!.GetValue<string>() == "held", "the follower's notification");
        Assert.Equal($"Hello Chatter <{_suffix}>", notification["message"]!["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task SamplePayload_UsesTheFirstRecordsValues()
    {
        var model = await LeadModelAsync();
        var lead = await _app.CreateAsync(model, """{"name":"First","ref":"R1"}""");
        var rule = await _app.CreateRuleAsync(model, Action("webhook", "Notify", ("webhook_url", "https://example.com/hook"),
            ("webhook_field_ids", new JsonArray("name", "ref"))));
        var actionId = rule["action_server_ids"]![0]!["id"]!.GetValue<string>();

        var sample = await _app.Http.GetStringAsync($"/api/admin/rules/{rule["id"]}/actions/{actionId}/sample-payload");

        Assert.Equal($$"""{"_action": "Notify(#{{actionId}})", "_id": {{lead}}, "_model": "{{model}}", "id": {{lead}}, "name": "First", "ref": "R1"}""", sample);
    }

    [Fact]
    public async Task SavedActions_GetIds_AndSigningSecretsAreWriteOnly()
    {
        var secret = Core.Webhooks.StandardWebhooks.NewSecret();
        var rule = await _app.CreateRuleAsync("res.partner", Action("webhook", "Notify", ("webhook_url", "https://example.com/hook"),
            ("webhook_signing_secret", secret)));
        var id = rule["id"]!.GetValue<long>();
        var shown = rule["action_server_ids"]![0]!;

        var patched = await _app.SendAsync(HttpMethod.Patch, $"/api/admin/rules/{id}",
            new JsonObject { ["action_server_ids"] = new JsonArray(shown.DeepClone()) }.ToJsonString(), HttpStatusCode.OK);
        var stored = await _app.App.Services.GetRequiredService<Core.Rules.IRuleStore>().GetAsync(id, CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(shown["id"]?.GetValue<string>()));
        Assert.Null(shown["webhook_signing_secret"]);
        Assert.Null(patched!["action_server_ids"]![0]!["webhook_signing_secret"]);
        Assert.Equal(secret, stored!.Actions[0].Text("webhook_signing_secret"));
    }

    /// <summary>A model of this test's own with a char <c>ref</c>, a boolean <c>active</c> and a JSON field.</summary>
    [Fact]
    public async Task Scenario28_AWebhookWithAGroupRestrictedField_IsAWarningThatBlocksSaving()
    {
        var model = "x_grp_" + _suffix;
        await _app.SendAsync(HttpMethod.Put, $"/api/admin/models/{model}", """
            {"fields": {"name": {"type": "char"}, "salary": {"type": "float", "string": "Salary", "groups": "base.group_system"}}}
            """, HttpStatusCode.Created);

        var errors = await _app.RefusedRuleAsync(model, "on_create", Action("webhook", "Send Webhook Notification",
            ("webhook_url", "https://example.com/hook"), ("webhook_field_ids", new JsonArray("name", "salary"))));
        var fields = JsonNode.Parse(await _app.Http.GetStringAsync($"/api/admin/models/{model}"))!["fields"]!;

        Assert.Equal("Following child actions have warnings: Send Webhook Notification", errors["action_server_ids"]![0]!.GetValue<string>());
        Assert.Equal("Group-restricted fields cannot be included in webhook payloads, as it could allow any user to accidentally leak sensitive " +
            "information. You will have to remove the following fields from the webhook payload:\n- Salary",
            errors["action_server_ids.0.webhook_field_ids"]![0]!.GetValue<string>());
        Assert.Equal("base.group_system", fields["salary"]!["groups"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario55_AnActionRestrictedToAGroup_RunsOnlyForItsMembers()
    {
        var model = await LeadModelAsync();
        var group = await _app.CreateAsync("res.groups", $$"""{"name":"Lead managers {{_suffix}}"}""");
        var partner = await _app.CreateAsync("res.partner", $$"""{"name":"Member {{_suffix}}"}""");
        var user = await _app.CreateAsync("res.users", $$"""{"name":"Member {{_suffix}}","login":"member-{{_suffix}}","partner_id":{{partner}}}""");
        var key = await _app.SendAsync(HttpMethod.Post, "/api/admin/keys",
            $$"""{"name":"member","scopes":["records:read","records:write"],"user_id":{{user}}}""", HttpStatusCode.Created);
        using var member = new HttpClient { BaseAddress = _app.Http.BaseAddress };
        member.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key!["key"]!.GetValue<string>());
        var rule = (await _app.SendAsync(HttpMethod.Post, "/api/admin/rules", new JsonObject
        {
            ["name"] = "Managers only",
            ["model"] = model,
            ["trigger"] = "on_create",
            ["action_server_ids"] = new JsonArray(Action("object_write", "Mark", ("update_path", "ref"), ("value", "managed"),
                ("group_ids", new JsonArray(group)))),
        }.ToJsonString(), HttpStatusCode.Created))!;
        var refused = await _app.RefusedRuleAsync(model, "on_create", Action("object_write", "Bad groups", ("update_path", "ref"), ("value", "x"),
            ("group_ids", "managers")));

        async Task<(long Lead, JsonNode Run)> CreateAsMemberAsync(string name)
        {
            using var created = await member.PostAsync(new Uri($"/api/records/{model}", UriKind.Relative),
                new StringContent($$"""{"name":"{{name}}"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var lead = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
            var runs = await Eventually.MatchAsync(async () => JsonNode.Parse(await _app.Http.GetStringAsync($"/api/admin/rules/{rule["id"]}/runs"))!,
                r => r!.AsArray().Any(x => x!["record_ids"]?.ToJsonString().Contains(lead.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) == true
                    && x["status"]!.GetValue<string>() != "running"), TimeSpan.FromSeconds(30), "the rule's run");
            return (lead, runs!.AsArray().First(x => x!["record_ids"]!.ToJsonString().Contains(lead.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))!);
        }

        var (outsider, refusedRun) = await CreateAsMemberAsync("Before joining");
        await _app.SendAsync(HttpMethod.Patch, $"/api/records/res.users/{user}", $$"""{"group_ids":[{{group}}]}""", HttpStatusCode.OK);
        var (insider, doneRun) = await CreateAsMemberAsync("After joining");

        Assert.Equal(("failed", "Mark: You don't have enough access rights to run this action."),
            (refusedRun["status"]!.GetValue<string>(), refusedRun["error"]!.GetValue<string>()));
        Assert.Null((await _app.ReadAsync(model, outsider))["ref"]);
        Assert.Equal("done", doneRun["status"]!.GetValue<string>());
        Assert.Equal("managed", (await _app.ReadAsync(model, insider))["ref"]!.GetValue<string>());
        Assert.StartsWith("Allowed groups are a list of", refused["action_server_ids.0.group_ids"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<string> LeadModelAsync()
    {
        var name = "x_act_" + _suffix;
        await _app.SendAsync(HttpMethod.Put, $"/api/admin/models/{name}", """
            {"fields": {"name": {"type": "char"}, "ref": {"type": "char"}, "active": {"type": "boolean", "default": true},
                        "data": {"type": "json"}, "partner_id": {"type": "many2one", "relation": "res.partner"}}}
            """, HttpStatusCode.Created);
        return name;
    }
}
