using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Records;
using Automation.Storage.Tests.Records;
using Automation.Testing;

namespace Automation.Storage.Tests.Domains;

/// <summary>Searches whose remainder reads related records through the real record store.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DomainSearchStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<(RecordStoreHarness H, long Parent, long Child, long Other)> PartnersAsync(AzuriteFixture azurite)
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var partner = await h.ModelAsync("res.partner");
        var parent = await h.Service.CreateAsync(partner, JsonNode.Parse("""{"name": "Azure Interior"}"""), ChangeContext.External(), None);
        var child = await h.Service.CreateAsync(partner, JsonNode.Parse($$"""{"name": "Deco Addict", "parent_id": {{parent.Id}}}"""),
            ChangeContext.External(), None);
        var other = await h.Service.CreateAsync(partner, JsonNode.Parse("""{"name": "Gemini"}"""), ChangeContext.External(), None);
        return (h, parent.Id, child.Id, other.Id);
    }

    private static async Task<long[]> SearchAsync(RecordStoreHarness h, string model, string domain) =>
        (await h.Service.SearchAsync(await h.ModelAsync(model), Domain.Parse(domain), 100, null, None)).Records.Select(r => r.Id).ToArray();

    [Fact]
    public async Task One2manyPath_ReadsChildrenThroughTheInverseField()
    {
        var (h, parent, _, _) = await PartnersAsync(azurite);

        var ids = await SearchAsync(h, "res.partner", "[('child_ids.name', '=', 'Deco Addict')]");

        Assert.Equal([parent], ids);
    }

    [Fact]
    public async Task ChildOf_ClimbsParentsInTheStore()
    {
        var (h, parent, child, _) = await PartnersAsync(azurite);

        var ids = await SearchAsync(h, "res.partner", $"[('id', 'child_of', {parent})]");

        Assert.Equal([parent, child], ids);
    }

    [Fact]
    public async Task Many2onePath_WithPushedLeaf_CombinesFilterAndRemainder()
    {
        var (h, parent, _, other) = await PartnersAsync(azurite);
        var model = RecordStoreHarness.Everything;
        var a = await h.Service.CreateAsync(model, JsonNode.Parse($$"""{"name": "a", "count": 3, "partner_id": {{parent}}}"""), ChangeContext.External(), None);
        await h.Service.CreateAsync(model, JsonNode.Parse($$"""{"name": "b", "count": 3, "partner_id": {{other}}}"""), ChangeContext.External(), None);
        await h.Service.CreateAsync(model, JsonNode.Parse($$"""{"name": "c", "count": 1, "partner_id": {{parent}}}"""), ChangeContext.External(), None);

        var ids = await SearchAsync(h, model.Name, "[('count', '=', 3), ('partner_id.name', 'ilike', 'azure')]");

        Assert.Equal([a.Id], ids);
    }
}
