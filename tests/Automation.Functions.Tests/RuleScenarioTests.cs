using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Storage.Records;
using Automation.Testing;
using Microsoft.Extensions.Logging;

namespace Automation.Functions.Tests;

/// <summary>
/// Spec §10 event-trigger scenarios through the records API, the RecordEvents queue function and real Azurite. Each
/// test defines its own "lead" model so rules never leak between tests; waits poll observable state, never sleep.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RuleScenarioTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const long Demo = 2;
    private readonly TestAppRoot _root = new();
    private readonly CapturedLogs _logs = new();
    private TestApp _app = null!;
    private HttpClient _http = null!;
    private string _lead = "";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false, logs: _logs);
        _http = _app.Admin();
        _lead = "x_lead" + Guid.NewGuid().ToString("N")[..10];
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{_lead}", """
            {"fields": {
              "name": {"type": "char"},
              "state": {"type": "selection", "default": "draft",
                        "selection": [["draft","Draft"],["open","Open"],["pending","Pending"],["done","Done"],["cancel","Cancelled"]]},
              "user_id": {"type": "many2one", "relation": "res.users"},
              "partner_id": {"type": "many2one", "relation": "res.partner"},
              "active": {"type": "boolean", "default": true},
              "priority": {"type": "boolean"},
              "tag_ids": {"type": "many2many", "relation": "res.partner.category"}
            }}
            """, HttpStatusCode.Created);
        foreach (var (id, name) in new[] { (1L, "Administrator"), (Demo, "Marc Demo") })
        {
            using var existing = await _http.GetAsync($"/api/records/res.users/{id}");
            if (existing.StatusCode == HttpStatusCode.NotFound)
            {
                await SendAsync(HttpMethod.Post, "/api/records/res.users", $$"""{"name":"{{name}}","login":"u{{id}}"}""", HttpStatusCode.Created);
            }
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task Scenario01_CreateOrEditWithoutFilters_SetsTheUserOnWriteAndOnCreate()
    {
        var existing = await CreateLeadAsync("""{"name":"Existing","user_id":1}""");
        await QuietAsync();
        await CreateRuleAsync("on_create_or_write", SetUser(Demo));

        await WriteLeadAsync(existing, """{"state":"open"}""");
        var created = await CreateLeadAsync("""{"name":"New"}""");

        await UntilAsync(existing, l => l["user_id"]?.GetValue<long>() == Demo, "the existing lead's user to become demo");
        await UntilAsync(created, l => l["user_id"]?.GetValue<long>() == Demo, "the new lead's user to become demo");
    }

    [Fact]
    public async Task Scenario02_ApplyOnFilter_OnlyDraftLeadsGetTheUser()
    {
        await CreateRuleAsync("on_create_or_write", SetUser(Demo), filterDomain: "[('state','=','draft')]");

        var open = await CreateLeadAsync("""{"name":"Open","state":"open"}""");
        var draft = await CreateLeadAsync("""{"name":"Draft"}""");
        await UntilAsync(draft, l => l["user_id"]?.GetValue<long>() == Demo, "the draft lead's user");
        await QuietAsync();
        var openUnchanged = (await ReadLeadAsync(open))["user_id"];
        await WriteLeadAsync(open, """{"state":"draft"}""");

        Assert.Null(openUnchanged);
        await UntilAsync(open, l => l["user_id"]?.GetValue<long>() == Demo, "the lead written to draft to get the user");
    }

    [Fact]
    public async Task Scenario03_BeforeAndAfterDomains_OnlyOpenToDoneRuns_AndCreateIgnoresThePreDomain()
    {
        await CreateRuleAsync("on_create_or_write", AppendBang(), filterDomain: "[('state','=','done')]", preDomain: "[('state','=','open')]");

        var viaPending = await CreateLeadAsync("""{"name":"A","state":"open"}""");
        await WriteLeadAsync(viaPending, """{"state":"pending"}""");
        await QuietAsync();
        await WriteLeadAsync(viaPending, """{"state":"done"}""");
        var direct = await CreateLeadAsync("""{"name":"B","state":"open"}""");
        await QuietAsync();
        await WriteLeadAsync(direct, """{"state":"done"}""");
        var createdDone = await CreateLeadAsync("""{"name":"C","state":"done"}""");

        await UntilAsync(direct, l => l["name"]!.GetValue<string>() == "B!", "open→done to run");
        await UntilAsync(createdDone, l => l["name"]!.GetValue<string>() == "C!", "a lead created done to run");
        await QuietAsync();
        Assert.Equal("A", (await ReadLeadAsync(viaPending))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario04_TriggerFieldGating_OnlyRealChangesOfTheWatchedFieldRun()
    {
        await CreateRuleAsync("on_write", Append("X"), triggerFields: ["state"]);
        var lead = await CreateLeadAsync("""{"name":"X"}""");

        await WriteLeadAsync(lead, """{"priority":true}""");
        await QuietAsync();
        await WriteLeadAsync(lead, """{"state":"open"}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "XX", "draft→open to append");
        await WriteLeadAsync(lead, """{"state":"done"}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "XXX", "open→done to append");
        await WriteLeadAsync(lead, """{"state":"done"}""");
        await QuietAsync();

        Assert.Equal("XXX", (await ReadLeadAsync(lead))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario05_TriggerFieldId_RunsOnCreateOnly_NotOnWritesOrEmptyWrites()
    {
        await CreateRuleAsync("on_create_or_write", new JsonObject
        {
            ["name"] = "Rename",
            ["state"] = "object_write",
            ["update_path"] = "name",
            ["evaluation_type"] = "value",
            ["value"] = "Modified Name",
        }, triggerFields: ["id"]);

        var lead = await CreateLeadAsync("""{"name":"Created"}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "Modified Name", "the create to run the rule");
        await WriteLeadAsync(lead, """{"name":"Reset Name"}""");
        await WriteLeadAsync(lead, "{}");
        await QuietAsync();

        Assert.Equal("Reset Name", (await ReadLeadAsync(lead))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario06_WithoutTriggerFields_OneWriteAppendsExactlyOnce()
    {
        var lead = await CreateLeadAsync("""{"name":"Lead"}""");
        await QuietAsync();
        await CreateRuleAsync("on_write", AppendBang());

        await WriteLeadAsync(lead, """{"state":"open"}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "Lead!", "the rule to run");
        await QuietAsync();

        Assert.Equal("Lead!", (await ReadLeadAsync(lead))["name"]!.GetValue<string>());
        // The action's own write was handled inline and settled: no pending event is left for the sweeper to resend.
        var pending = new List<string>();
        await foreach (var entity in azurite.Tables.GetTableClient(RecordEntities.TableName).QueryAsync(
                           $"PartitionKey eq '{_lead}' and RowKey ge '{RecordEntities.EventRowPrefix}' and RowKey lt '{RecordEntities.EventRowPrefix}~'"))
        {
            pending.Add(entity.RowKey);
        }

        Assert.Empty(pending);
    }

    [Fact]
    public async Task Scenario07_ChainedRules_PartnerChangeSetsDraft_ThenDraftSetsTheUser()
    {
        var partner = await CreateAsync("res.partner", """{"name":"Chained partner"}""");
        await CreateRuleAsync("on_write", SetState("draft"), triggerFields: ["partner_id"]);
        await CreateRuleAsync("on_create_or_write", SetUser(Demo), filterDomain: "[('state','=','draft')]");
        var lead = await CreateLeadAsync("""{"name":"Chained","state":"open"}""");
        await QuietAsync();
        Assert.Null((await ReadLeadAsync(lead))["user_id"]);

        await WriteLeadAsync(lead, $$"""{"partner_id":{{partner}}}""");

        var done = await UntilAsync(lead, l => l["user_id"]?.GetValue<long>() == Demo, "the second rule to set the user");
        Assert.Equal("draft", done["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario08_FourRuleLoop_TerminatesInIdOrderWithTheLeadBackInDraft()
    {
        var r1 = await CreateRuleAsync("on_create_or_write", SetState("pending"), filterDomain: "[('state','=','draft')]");
        var r2 = await CreateRuleAsync("on_create_or_write", SetState("open"), filterDomain: "[('state','=','pending')]");
        var r3 = await CreateRuleAsync("on_create_or_write", SetState("done"), filterDomain: "[('state','=','open')]");
        var r4 = await CreateRuleAsync("on_create_or_write", SetState("draft"), filterDomain: "[('state','=','done')]");

        var lead = await CreateLeadAsync("""{"name":"Loop"}""");
        await Eventually.MatchAsync(() => GetAsync($"/api/admin/rules/{r4}/runs"), r => r!.AsArray().Count > 0, TimeSpan.FromSeconds(30), "the fourth rule to run");
        await QuietAsync();

        Assert.Equal("draft", (await ReadLeadAsync(lead))["state"]!.GetValue<string>());
        foreach (var rule in new[] { r1, r2, r3, r4 })
        {
            var runs = await GetAsync($"/api/admin/rules/{rule}/runs");
            Assert.Single(runs!.AsArray());
        }
    }

    [Fact]
    public async Task Scenario09_RecomputeTriggers_ARelatedFieldChangedElsewhereRunsTheLeadsRule()
    {
        var people = _lead.Replace("x_lead", "x_person", StringComparison.Ordinal);
        var leads = _lead.Replace("x_lead", "x_elead", StringComparison.Ordinal);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{people}", """{"fields": {"name": {"type": "char"}, "employee": {"type": "boolean"}}}""",
            HttpStatusCode.Created);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{leads}", $$$"""
            {"fields": {
              "name": {"type": "char"},
              "partner_id": {"type": "many2one", "relation": "{{{people}}}"},
              "employee": {"type": "boolean", "related": "partner_id.employee"},
              "user_id": {"type": "many2one", "relation": "res.users"}
            }}
            """, HttpStatusCode.Created);
        await CreateRuleAsync("on_create_or_write", SetUser(Demo), filterDomain: "[('employee','=',True)]", model: leads);
        var person = await CreateAsync(people, """{"name":"Not yet an employee"}""");
        var lead = await CreateAsync(leads, $$"""{"name":"Lead","partner_id":{{person}}}""");
        await QuietAsync();
        Assert.Null((await GetAsync($"/api/records/{leads}/{lead}"))!["user_id"]);

        await SendAsync(HttpMethod.Patch, $"/api/records/{people}/{person}", """{"employee":true}""", HttpStatusCode.OK);

        var done = await Eventually.MatchAsync(() => GetAsync($"/api/records/{leads}/{lead}"), l => l!["user_id"]?.GetValue<long>() == Demo,
            TimeSpan.FromSeconds(30), "the recomputed lead to get the user");
        Assert.True(done!["employee"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Scenario10_ComputedFieldWithPreAndPost_SettingPriorityRunsOnce()
    {
        var tasks = _lead.Replace("x_lead", "x_task", StringComparison.Ordinal);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{tasks}", """
            {"fields": {
              "name": {"type": "char"},
              "priority": {"type": "boolean"},
              "note": {"type": "char"},
              "deadline": {"type": "date", "depends": ["priority"],
                           "compute": "for record in self:\n    record['deadline'] = datetime.date(2026, 12, 1) if record.priority else False"}
            }}
            """, HttpStatusCode.Created);
        var body = new JsonObject
        {
            ["name"] = "Deadline mail",
            ["model"] = tasks,
            ["trigger"] = "on_create_or_write",
            ["trigger_field_ids"] = new JsonArray("deadline"),
            ["filter_pre_domain"] = "[('deadline', '=', False)]",
            ["filter_domain"] = "[('deadline', '!=', False)]",
            ["action_server_ids"] = new JsonArray(new JsonObject
            {
                ["name"] = "Count the mail",
                ["state"] = "code",
                ["code"] = "env['res.partner.category'].create({'name': 'deadline mail: ' + record.name})",
            }),
        };
        await SendAsync(HttpMethod.Post, "/api/admin/rules", body.ToJsonString(), HttpStatusCode.Created);
        var name = "T" + Guid.NewGuid().ToString("N")[..8];
        var task = await CreateAsync(tasks, $$"""{"name":"{{name}}"}""");

        var written = await SendAsync(HttpMethod.Patch, $"/api/records/{tasks}/{task}", """{"priority":true}""", HttpStatusCode.OK);
        await QuietAsync();
        await SendAsync(HttpMethod.Patch, $"/api/records/{tasks}/{task}", """{"note":"unrelated"}""", HttpStatusCode.OK);
        await QuietAsync();

        Assert.Equal("2026-12-01", written!["deadline"]!.GetValue<string>());
        var mails = await GetAsync("/api/records/res.partner.category?limit=1000&fields=name&domain=" + Uri.EscapeDataString($"[('name', '=', 'deadline mail: {name}')]"));
        Assert.Single(mails!["records"]!.AsArray());
    }

    [Fact]
    public async Task Scenario11_StageSet_RunsOnlyWhenTheStageBecomesS1()
    {
        var project = await CreateProjectModelAsync();
        var s1 = await CreateAsync(project.Stages, """{"name":"S1"}""");
        var s2 = await CreateAsync(project.Stages, """{"name":"S2"}""");
        await CreateRuleAsync("on_stage_set", AppendBang(), model: project.Name, reference: s1);
        var record = await CreateAsync(project.Name, """{"name":"P"}""");

        await BangsAfterAsync(project.Name, record, $$"""{"stage_id":{{s1}}}""", "P!");
        await BangsAfterAsync(project.Name, record, $$"""{"stage_id":{{s1}}}""", "P!");
        await BangsAfterAsync(project.Name, record, $$"""{"stage_id":{{s2}}}""", "P!");
        await BangsAfterAsync(project.Name, record, """{"stage_id":null}""", "P!");
        await BangsAfterAsync(project.Name, record, $$"""{"stage_id":{{s1}}}""", "P!!");
    }

    [Fact]
    public async Task Scenario12_UserSetMany2one_RunsOnCreateAndOnEachRealChangeToAUser()
    {
        await CreateRuleAsync("on_user_set", AppendBang());
        var lead = await CreateLeadAsync("""{"name":"U","user_id":1}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "U!", "the create with a user");

        await BangsAfterAsync(_lead, lead, $$"""{"user_id":{{Demo}}}""", "U!!");
        await BangsAfterAsync(_lead, lead, $$"""{"user_id":{{Demo}}}""", "U!!");
        await BangsAfterAsync(_lead, lead, """{"user_id":1}""", "U!!!");
        await BangsAfterAsync(_lead, lead, """{"user_id":null}""", "U!!!");
        await BangsAfterAsync(_lead, lead, $$"""{"user_id":{{Demo}}}""", "U!!!!");
    }

    [Fact]
    public async Task Scenario13_UserSetMany2many_RunsWhenTheSetChangesAndStaysNonEmpty()
    {
        var project = await CreateProjectModelAsync();
        var rule = await CreateRuleAsync("on_user_set", AppendBang(), model: project.Name);
        var record = await CreateAsync(project.Name, """{"name":"P"}""");

        await BangsAfterAsync(project.Name, record, $$"""{"user_ids":[{{Demo}}]}""", "P!");
        await BangsAfterAsync(project.Name, record, $$"""{"user_ids":[{{Demo}}]}""", "P!");
        await BangsAfterAsync(project.Name, record, """{"user_ids":[[4,1,0]]}""", "P!!");
        await BangsAfterAsync(project.Name, record, """{"user_ids":[[3,1,0]]}""", "P!!!");
        await BangsAfterAsync(project.Name, record, """{"user_ids":[[5,0,0]]}""", "P!!!");
        await BangsAfterAsync(project.Name, record, $$"""{"user_ids":[{{Demo}}]}""", "P!!!!");

        var definition = await GetAsync($"/api/admin/rules/{rule}");
        Assert.Equal("[('user_ids', '!=', False)]", definition!["filter_domain"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario14_TagAdded_RunsOnlyWhenT1JoinsTheTags()
    {
        var t1 = await CreateAsync("res.partner.category", """{"name":"T1"}""");
        var t2 = await CreateAsync("res.partner.category", """{"name":"T2"}""");
        var rule = await CreateRuleAsync("on_tag_set", AppendBang(), reference: t1);
        var lead = await CreateLeadAsync("""{"name":"T"}""");

        await BangsAfterAsync(_lead, lead, $$"""{"tag_ids":[{{t1}}]}""", "T!");
        await BangsAfterAsync(_lead, lead, $$"""{"tag_ids":[{{t1}}]}""", "T!");
        await BangsAfterAsync(_lead, lead, $$"""{"tag_ids":[[4,{{t2}},0]]}""", "T!");
        await BangsAfterAsync(_lead, lead, """{"tag_ids":[[5,0,0]]}""", "T!");
        await BangsAfterAsync(_lead, lead, $$"""{"tag_ids":[{{t2}}]}""", "T!");
        await BangsAfterAsync(_lead, lead, $$"""{"tag_ids":[[4,{{t1}},0]]}""", "T!!");

        var definition = await GetAsync($"/api/admin/rules/{rule}");
        Assert.Equal($"[('tag_ids', 'in', [{t1}])]", definition!["filter_domain"]!.GetValue<string>());
        Assert.Equal($"[('tag_ids', 'not in', [{t1}])]", definition["filter_pre_domain"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario15_StateSetToDone_RunsOnEachRealTransitionToDone()
    {
        var rule = await CreateRuleAsync("on_state_set", AppendBang(), selection: "done");
        var definition = await GetAsync($"/api/admin/rules/{rule}");
        var lead = await CreateLeadAsync("""{"name":"S","state":"open"}""");

        await WriteLeadAsync(lead, """{"state":"done"}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "S!", "open→done");
        await WriteLeadAsync(lead, """{"state":"done"}""");
        await WriteLeadAsync(lead, """{"state":"open"}""");
        await QuietAsync();
        await WriteLeadAsync(lead, """{"state":"done"}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "S!!", "the second open→done");

        Assert.Equal("[('state', '=', 'done')]", definition!["filter_domain"]!.GetValue<string>());
        Assert.Equal(["state"], definition["trigger_field_ids"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task Scenario16_OnArchive_RunsWhenArchivedOnly()
    {
        await CreateRuleAsync("on_archive", AppendBang());
        var lead = await CreateLeadAsync("""{"name":"A"}""");

        await WriteLeadAsync(lead, """{"active":false}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "A!", "archive");
        await WriteLeadAsync(lead, """{"active":true}""");
        await QuietAsync();
        await WriteLeadAsync(lead, """{"active":false}""");
        await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "A!!", "the second archive");
    }

    [Fact]
    public async Task Scenario17_OnUiChange_SetsPriorityOnlyWhileTheApplyOnDomainHolds()
    {
        await SendAsync(HttpMethod.Post, "/api/admin/rules", new JsonObject
        {
            ["name"] = "Important",
            ["model"] = _lead,
            ["trigger"] = "on_change",
            ["on_change_field_ids"] = new JsonArray("name"),
            ["filter_domain"] = "[('name','like','IMPORTANT')]",
            ["action_server_ids"] = new JsonArray(new JsonObject
            {
                ["name"] = "Flag",
                ["state"] = "code",
                ["code"] = "record.priority = '[IMPORTANT]' in record.name",
            }),
        }.ToJsonString(), HttpStatusCode.Created);

        async Task<JsonNode> ChangeNameAsync(string name, bool priority) => (await SendAsync(HttpMethod.Post, $"/api/records/{_lead}/onchange",
            new JsonObject { ["values"] = new JsonObject { ["name"] = name, ["priority"] = priority }, ["changed"] = "name" }.ToJsonString(),
            HttpStatusCode.OK))!;

        var plain = await ChangeNameAsync("Lead Test", false);
        var important = await ChangeNameAsync("Lead Test [IMPORTANT]", false);
        var back = await ChangeNameAsync("Lead Test", true);
        var notImportant = await ChangeNameAsync("Lead Test [NOT IMPORTANT]", true);

        Assert.Empty(plain["value"]!.AsObject());
        Assert.True(important["value"]!["priority"]!.GetValue<bool>());
        Assert.Empty(back["value"]!.AsObject()); // domain not met: nothing runs, the form keeps its priority
        Assert.False(notImportant["value"]!["priority"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Scenario18_OnDeletion_RunsOnceAndSeesTheRecordAsItWas()
    {
        await CreateRuleAsync("on_unlink", new JsonObject
        {
            ["name"] = "Remember",
            ["state"] = "code",
            ["code"] = "env['res.partner.category'].create({'name': 'deleted: ' + record.name})",
        });
        var lead = await CreateLeadAsync("""{"name":"Doomed lead"}""");

        await SendAsync(HttpMethod.Delete, $"/api/records/{_lead}/{lead}", null, HttpStatusCode.NoContent);
        await QuietAsync();

        var tags = await GetAsync("/api/records/res.partner.category?limit=1000&fields=name");
        Assert.Single(tags!["records"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "deleted: Doomed lead");
    }

    [Fact]
    public async Task Scenario19_MessageTriggers_SentByInternalAuthors_ReceivedFromOutsideOrWithoutAuthor()
    {
        var (internalPartner, externalPartner) = await CreateAuthorsAsync();
        var rule = await CreateRuleAsync("on_message_sent", Archive());
        var lead = await CreateLeadAsync("""{"name":"Mail"}""");

        async Task<bool> ArchivedAfterAsync(string message)
        {
            await SendAsync(HttpMethod.Post, $"/api/records/{_lead}/{lead}/messages", message, HttpStatusCode.Created);
            await QuietAsync();
            var archived = !(await ReadLeadAsync(lead))["active"]!.GetValue<bool>();
            if (archived)
            {
                await WriteLeadAsync(lead, """{"active":true}""");
            }

            return archived;
        }

        Assert.True(await ArchivedAfterAsync($$"""{"body":"Hi","message_type":"comment","subtype":"comment","author_id":{{internalPartner}}}"""));
        Assert.False(await ArchivedAfterAsync($$"""{"body":"Hi","message_type":"notification","author_id":{{internalPartner}}}"""));
        Assert.False(await ArchivedAfterAsync($$"""{"body":"Hi","message_type":"comment","subtype":"note","author_id":{{internalPartner}}}"""));
        Assert.False(await ArchivedAfterAsync($$"""{"body":"Hi","message_type":"comment","author_id":{{externalPartner}}}"""));
        Assert.False(await ArchivedAfterAsync("""{"body":"Hi","message_type":"email","author_id":null}"""));

        await SendAsync(HttpMethod.Patch, $"/api/admin/rules/{rule}", """{"trigger":"on_message_received"}""", HttpStatusCode.OK);
        Assert.False(await ArchivedAfterAsync($$"""{"body":"Hi","message_type":"comment","author_id":{{internalPartner}}}"""));
        Assert.True(await ArchivedAfterAsync($$"""{"body":"Hi","message_type":"comment","subtype":"comment","author_id":{{externalPartner}}}"""));
        Assert.True(await ArchivedAfterAsync("""{"body":"Hi","message_type":"email","author_id":null}"""));
    }

    [Fact]
    public async Task Scenario20_TwoMessageRules_BothRunOnOnePost()
    {
        var (internalPartner, _) = await CreateAuthorsAsync();
        await CreateRuleAsync("on_message_sent", Archive());
        await CreateRuleAsync("on_message_sent", AppendBang());
        var lead = await CreateLeadAsync("""{"name":"Both"}""");

        var posted = await SendAsync(HttpMethod.Post, $"/api/records/{_lead}/{lead}/messages",
            $$"""{"body":"<p>Hello</p>","author_id":{{internalPartner}}}""", HttpStatusCode.Created);

        var done = await UntilAsync(lead, l => l["name"]!.GetValue<string>() == "Both!" && !l["active"]!.GetValue<bool>(), "both rules to run");
        Assert.Equal(_lead, posted!["model"]!.GetValue<string>());
        Assert.Equal(lead, posted["res_id"]!.GetValue<long>());
        Assert.Equal("comment", posted["message_type"]!.GetValue<string>());
        Assert.False(done["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Messages_AreValidated_AndNeedAChatterAndAnExistingRecord()
    {
        var lead = await CreateLeadAsync("""{"name":"Validated"}""");

        var badType = await SendAsync(HttpMethod.Post, $"/api/records/{_lead}/{lead}/messages", """{"body":"x","message_type":"fax"}""",
            HttpStatusCode.BadRequest);
        var badAuthor = await SendAsync(HttpMethod.Post, $"/api/records/{_lead}/{lead}/messages", """{"body":"x","author_id":999999999}""",
            HttpStatusCode.BadRequest);
        var unknownKey = await SendAsync(HttpMethod.Post, $"/api/records/{_lead}/{lead}/messages", """{"body":"x","to":"a@b.c"}""",
            HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Post, $"/api/records/{_lead}/999999999/messages", """{"body":"x"}""", HttpStatusCode.NotFound);
        var noChatter = await SendAsync(HttpMethod.Post, "/api/records/res.country/1/messages", """{"body":"x"}""", HttpStatusCode.BadRequest);

        Assert.NotNull(badType!["errors"]!["message_type"]);
        Assert.NotNull(badAuthor!["errors"]!["author_id"]);
        Assert.NotNull(unknownKey!["errors"]!["to"]);
        Assert.Contains("chatter", noChatter!["errors"]!["model"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario21_StageComputedOnCreate_RunsTheStageRuleExactlyOnce()
    {
        var stages = _lead.Replace("x_lead", "x_nstage", StringComparison.Ordinal);
        var leads = _lead.Replace("x_lead", "x_slead", StringComparison.Ordinal);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{stages}", """{"fields": {"name": {"type": "char"}}}""", HttpStatusCode.Created);
        var stageNew = await CreateAsync(stages, """{"name":"New"}""");
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{leads}", new JsonObject
        {
            ["fields"] = new JsonObject
            {
                ["name"] = new JsonObject { ["type"] = "char" },
                ["stage_id"] = new JsonObject
                {
                    ["type"] = "many2one",
                    ["relation"] = stages,
                    ["depends"] = new JsonArray("name"),
                    ["compute"] = $"for record in self:\n    record['stage_id'] = {stageNew}",
                },
            },
        }.ToJsonString(), HttpStatusCode.Created);
        var rule = await CreateRuleAsync("on_stage_set", new JsonObject
        {
            ["name"] = "Create a record",
            ["state"] = "code",
            ["code"] = "env['res.partner.category'].create({'name': 'stage new: ' + record.name})",
        }, model: leads, reference: stageNew);
        var name = "L" + Guid.NewGuid().ToString("N")[..8];

        var lead = await SendAsync(HttpMethod.Post, $"/api/records/{leads}", $$"""{"name":"{{name}}"}""", HttpStatusCode.Created);
        await Eventually.MatchAsync(() => GetAsync($"/api/admin/rules/{rule}/runs"), r => r!.AsArray().Count > 0, TimeSpan.FromSeconds(30), "the rule");
        await QuietAsync();

        Assert.Equal(stageNew, lead!["stage_id"]!.GetValue<long>());
        var created = await GetAsync("/api/records/res.partner.category?limit=1000&fields=name&domain=" + Uri.EscapeDataString($"[('name', '=', 'stage new: {name}')]"));
        Assert.Single(created!["records"]!.AsArray());
    }

    [Fact]
    public async Task Scenario22_APortalUsersWrite_StillRunsTheRuleWithFullRights()
    {
        var filters = _lead.Replace("x_lead", "x_filter", StringComparison.Ordinal);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{filters}", """{"fields": {"name": {"type": "char"}, "active": {"type": "boolean", "default": true}}}""",
            HttpStatusCode.Created);
        var rule = await CreateRuleAsync("on_create_or_write", Archive(), model: filters);
        var portalPartner = await CreateAsync("res.partner", """{"name":"Portal user"}""");
        var portalUser = await CreateAsync("res.users", $$"""{"name":"Portal user","login":"portal-{{_lead}}","partner_id":{{portalPartner}},"share":true}""");
        var key = await SendAsync(HttpMethod.Post, "/api/admin/keys",
            $$"""{"name":"portal","scopes":["records:read","records:write"],"user_id":{{portalUser}}}""", HttpStatusCode.Created);
        using var portal = new HttpClient { BaseAddress = _http.BaseAddress };
        portal.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key!["key"]!.GetValue<string>());

        using var rulesForbidden = await portal.GetAsync(new Uri($"/api/admin/rules/{rule}", UriKind.Relative));
        using var created = await portal.PostAsync(new Uri($"/api/records/{filters}", UriKind.Relative),
            new StringContent("""{"name":"My filter"}""", Encoding.UTF8, "application/json"));
        var filter = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();

        var archived = await Eventually.MatchAsync(() => GetAsync($"/api/records/{filters}/{filter}"), f => f!["active"]!.GetValue<bool>() == false,
            TimeSpan.FromSeconds(30), "the rule to archive the portal user's filter");
        Assert.Equal(HttpStatusCode.Forbidden, rulesForbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("My filter", archived!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RuntimeError_InCode_FailsTheRunWithThePythonErrorAndLine()
    {
        var rule = await CreateRuleAsync("on_create", new JsonObject
        {
            ["name"] = "Check",
            ["state"] = "code",
            ["code"] = "if not record.partner_id:\n    raise ValueError(\"Missing required fields: 'name' and 'email'\")",
        });

        await CreateLeadAsync("""{"name":"No partner"}""");
        var runs = await Eventually.MatchAsync(() => GetAsync($"/api/admin/rules/{rule}/runs"),
            r => r!.AsArray().Any(x => x!["status"]!.GetValue<string>() != "running"), what: "the run to finish");

        var run = runs!.AsArray()[0]!;
        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Contains("Missing required fields: 'name' and 'email'", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("ValueError", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CyclicCreates_StopAtTheChainDepthLimit_WithAClearError()
    {
        var rule = await CreateRuleAsync("on_create", new JsonObject
        {
            ["name"] = "Spawn",
            ["state"] = "code",
            ["code"] = $"env['{_lead}'].create({{'name': record.name + '+'}})",
        });

        await CreateLeadAsync("""{"name":"seed"}""");
        var runs = await Eventually.MatchAsync(() => GetAsync($"/api/admin/rules/{rule}/runs?limit=100"),
            r => r!.AsArray().Any(x => x!["status"]!.GetValue<string>() == "failed"), TimeSpan.FromSeconds(60), "the depth limit");
        await QuietAsync();

        var failed = runs!.AsArray().Single(x => x!["status"]!.GetValue<string>() == "failed")!;
        Assert.Contains("deep (limit 16)", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var logged = Assert.Single(_logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("deep (limit 16)", StringComparison.Ordinal));
        Assert.Contains($"Rule {rule} failed on {_lead}", logged.Message, StringComparison.Ordinal);
        var leads = await GetAsync($"/api/records/{_lead}?limit=1000&fields=name");
        Assert.Equal(17, leads!["records"]!.AsArray().Count);
    }

    [Fact]
    public async Task RuleValidation_RefusesOdooInvalidCombinationsWithFieldErrors()
    {
        var onChange = await PostRuleAsync(new JsonObject
        {
            ["name"] = "x",
            ["model"] = _lead,
            ["trigger"] = "on_change",
            ["action_server_ids"] = new JsonArray(SetUser(Demo)),
        });
        var badDomain = await PostRuleAsync(new JsonObject { ["name"] = "x", ["model"] = _lead, ["trigger"] = "on_create", ["filter_domain"] = "[('nope','=',1)]" });
        var badCode = await PostRuleAsync(new JsonObject
        {
            ["name"] = "x",
            ["model"] = _lead,
            ["trigger"] = "on_create",
            ["action_server_ids"] = new JsonArray(new JsonObject { ["name"] = "c", ["state"] = "code", ["code"] = "x = (1,\ny = 2" }),
        });
        var negative = await PostRuleAsync(new JsonObject
        {
            ["name"] = "x",
            ["model"] = _lead,
            ["trigger"] = "on_time",
            ["trg_date_id"] = "create_date",
            ["trg_date_range"] = -3,
        });

        Assert.Equal("\"On live update\" automation rules can only be used with \"Execute Python Code\" action type.",
            onChange!["errors"]!["action_server_ids"]![0]!.GetValue<string>());
        Assert.Contains("nope", badDomain!["errors"]!["filter_domain"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("line", badCode!["errors"]!["action_server_ids.0.code"]![0]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Delay must be positive. Set 'Delay mode' to 'Before' to negate the delay.",
            negative!["errors"]!["trg_date_range"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenarios23And25_MailTriggersNeedAChatter_AndDeletionRulesRefuseMailActions()
    {
        var noChatter = await PostRuleAsync(new JsonObject { ["name"] = "x", ["model"] = "res.country", ["trigger"] = "on_message_sent" });
        var onUnlink = await PostRuleAsync(new JsonObject
        {
            ["name"] = "x",
            ["model"] = _lead,
            ["trigger"] = "on_unlink",
            ["action_server_ids"] = new JsonArray(new JsonObject { ["name"] = "Mail", ["state"] = "mail_post" }),
        });

        Assert.Equal("Mail event can not be configured on model res.country. Only models with discussion feature can be used.",
            noChatter!["errors"]!["trigger"]![0]!.GetValue<string>());
        Assert.Contains("Email, follower or activity action types cannot be used when deleting records, as there are no more records to apply these changes to!",
            onUnlink!["errors"]!["action_server_ids"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public async Task Scenario29_TriggersGenerateOdoosDomains_AndATimeTriggerResetsThem()
    {
        async Task<JsonNode> RuleAsync(JsonObject body) =>
            (await SendAsync(HttpMethod.Post, "/api/admin/rules", body.ToJsonString(), HttpStatusCode.Created))!;
        JsonObject Body(string trigger) => new() { ["name"] = trigger, ["model"] = _lead, ["trigger"] = trigger };
        var tag = await CreateAsync("res.partner.category", """{"name":"T"}""");

        var state = await RuleAsync(new JsonObject { ["name"] = "s", ["model"] = _lead, ["trigger"] = "on_state_set", ["trg_selection_field_id"] = "pending" });
        var tagSet = await RuleAsync(new JsonObject { ["name"] = "t", ["model"] = _lead, ["trigger"] = "on_tag_set", ["trg_field_ref"] = tag });
        var user = await RuleAsync(Body("on_user_set"));
        var archive = await RuleAsync(Body("on_archive"));
        var switched = await SendAsync(HttpMethod.Patch, $"/api/admin/rules/{state["id"]}", """{"trigger":"on_time_created"}""", HttpStatusCode.OK);

        Assert.Equal("[('state', '=', 'pending')]", state["filter_domain"]!.GetValue<string>());
        Assert.Equal($"[('tag_ids', 'in', [{tag}])]", tagSet["filter_domain"]!.GetValue<string>());
        Assert.Equal($"[('tag_ids', 'not in', [{tag}])]", tagSet["filter_pre_domain"]!.GetValue<string>());
        Assert.Equal("[('user_id', '!=', False)]", user["filter_domain"]!.GetValue<string>());
        Assert.Equal("[('active', '=', False)]", archive["filter_domain"]!.GetValue<string>());
        Assert.True(switched!["filter_domain"] is null || switched["filter_domain"]!.GetValue<string>().Length == 0);
        Assert.Empty(switched["trigger_field_ids"]!.AsArray());
        Assert.Equal("create_date", switched["trg_date_id"]!.GetValue<string>());
    }

    private static JsonObject SetUser(long user) => new()
    {
        ["name"] = "Set user",
        ["state"] = "object_write",
        ["update_path"] = "user_id",
        ["evaluation_type"] = "value",
        ["value"] = user.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static JsonObject SetState(string state) => new()
    {
        ["name"] = "Set " + state,
        ["state"] = "object_write",
        ["update_path"] = "state",
        ["evaluation_type"] = "value",
        ["value"] = state,
    };

    private static JsonObject Archive() => new()
    {
        ["name"] = "Archive",
        ["state"] = "object_write",
        ["update_path"] = "active",
        ["evaluation_type"] = "equation",
        ["value"] = "False",
    };

    private static JsonObject AppendBang() => Append("!");

    private static JsonObject Append(string suffix) => new()
    {
        ["name"] = "Append",
        ["state"] = "object_write",
        ["update_path"] = "name",
        ["evaluation_type"] = "equation",
        ["value"] = $"record.name + '{suffix}'",
    };

    private async Task<long> CreateRuleAsync(string trigger, JsonObject action, string? filterDomain = null, string? preDomain = null,
        string[]? triggerFields = null, string? selection = null, string? model = null, long? reference = null)
    {
        var body = new JsonObject
        {
            ["name"] = $"{trigger} rule",
            ["model"] = model ?? _lead,
            ["trg_field_ref"] = reference,
            ["trigger"] = trigger,
            ["filter_domain"] = filterDomain,
            ["filter_pre_domain"] = preDomain,
            ["trg_selection_field_id"] = selection,
            ["action_server_ids"] = new JsonArray(action),
        };
        if (triggerFields is not null)
        {
            body["trigger_field_ids"] = new JsonArray(triggerFields.Select(f => (JsonNode)f).ToArray());
        }

        var created = await SendAsync(HttpMethod.Post, "/api/admin/rules", body.ToJsonString(), HttpStatusCode.Created);
        return created!["id"]!.GetValue<long>();
    }

    private async Task<long> CreateAsync(string model, string json) =>
        (await SendAsync(HttpMethod.Post, $"/api/records/{model}", json, HttpStatusCode.Created))!["id"]!.GetValue<long>();

    /// <summary>Writes <paramref name="json"/>, waits for the events to be handled, and checks the name then.</summary>
    private async Task BangsAfterAsync(string model, long id, string json, string expectedName)
    {
        await SendAsync(HttpMethod.Patch, $"/api/records/{model}/{id}", json, HttpStatusCode.OK);
        await QuietAsync();
        var record = await GetAsync($"/api/records/{model}/{id}");
        Assert.True(record!["name"]!.GetValue<string>() == expectedName, $"after {json}: {record["name"]} instead of {expectedName}");
    }

    /// <summary>Spec §10's project: a stage (own stage model), tags, priority '0'–'2' and many2many users.</summary>
    private async Task<(string Name, string Stages)> CreateProjectModelAsync()
    {
        var stages = _lead.Replace("x_lead", "x_stage", StringComparison.Ordinal);
        var project = _lead.Replace("x_lead", "x_project", StringComparison.Ordinal);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{stages}", """{"fields": {"name": {"type": "char"}}}""", HttpStatusCode.Created);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{project}", $$$"""
            {"fields": {
              "name": {"type": "char"},
              "stage_id": {"type": "many2one", "relation": "{{{stages}}}"},
              "tag_ids": {"type": "many2many", "relation": "res.partner.category"},
              "priority": {"type": "selection", "default": "1", "selection": [["0","Low"],["1","Normal"],["2","High"]]},
              "user_ids": {"type": "many2many", "relation": "res.users"}
            }}
            """, HttpStatusCode.Created);
        return (project, stages);
    }

    /// <summary>A partner of an internal user, and an outside partner with no user.</summary>
    private async Task<(long Internal, long External)> CreateAuthorsAsync()
    {
        var internalPartner = await CreateAsync("res.partner", """{"name":"Internal author"}""");
        await CreateAsync("res.users", $$"""{"name":"Internal author","login":"{{_lead}}","partner_id":{{internalPartner}}}""");
        var externalPartner = await CreateAsync("res.partner", """{"name":"Outside author","email":"someone@example.com"}""");
        return (internalPartner, externalPartner);
    }

    private async Task<JsonNode?> PostRuleAsync(JsonObject body) => await SendAsync(HttpMethod.Post, "/api/admin/rules", body.ToJsonString(), HttpStatusCode.BadRequest);

    private async Task<long> CreateLeadAsync(string json) =>
        (await SendAsync(HttpMethod.Post, $"/api/records/{_lead}", json, HttpStatusCode.Created))!["id"]!.GetValue<long>();

    private Task<JsonNode?> WriteLeadAsync(long id, string json) => SendAsync(HttpMethod.Patch, $"/api/records/{_lead}/{id}", json, HttpStatusCode.OK);

    private async Task<JsonNode> ReadLeadAsync(long id) => (await GetAsync($"/api/records/{_lead}/{id}"))!;

    private Task<JsonNode> UntilAsync(long id, Func<JsonNode, bool> done, string what) =>
        Eventually.MatchAsync(() => ReadLeadAsync(id), done, TimeSpan.FromSeconds(30), what);

    /// <summary>Until every change event so far has been handled: nothing held by the publisher, nothing on the queue (in flight included).</summary>
    private async Task QuietAsync()
    {
        var publisher = _app.Services.GetRequiredService<EventPublisher>();
        var runtime = _app.Services.GetRequiredService<Hosting.StandaloneRuntime>();
        var queue = azurite.Queues.GetQueueClient(PendingEvents.QueueName);
        for (var quiet = 0; quiet < 2;)
        {
            await publisher.FlushAsync();
            await Eventually.MatchAsync(async () => await queue.GetApproximateMessageCountAsync() + runtime.InFlight, n => n == 0,
                TimeSpan.FromSeconds(60), "the event queue to drain");
            await publisher.FlushAsync();
            quiet = await queue.GetApproximateMessageCountAsync() + runtime.InFlight == 0 ? quiet + 1 : 0;
        }
    }

    private async Task<JsonNode?> GetAsync(string url)
    {
        var text = await _http.GetStringAsync(url);
        return JsonNode.Parse(text);
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string url, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
