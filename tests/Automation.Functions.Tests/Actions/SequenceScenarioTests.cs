using System.Net;
using Automation.Core.Sequences;
using Automation.Storage.Records;
using Automation.Testing;

namespace Automation.Functions.Tests.Actions;

/// <summary>Spec §10 scenarios 58–61 (sequences) on the app's <see cref="SequenceNumbers"/> and Azurite, and concurrent draws.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SequenceScenarioTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateOnly Friday = new(2025, 3, 7);
    private ActionTestApp _app = null!;
    private SequenceNumbers _sequences = null!;

    public async Task InitializeAsync()
    {
        _app = await ActionTestApp.StartAsync(azurite);
        _sequences = _app.App.Services.GetRequiredService<SequenceNumbers>();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Scenario58_Placeholders_PlainAndIso()
    {
        var plain = await _app.CreateAsync("ir.sequence", """{"name":"Dated","prefix":"%(year)s/%(month)s/%(day)s/","suffix":"/%(y)s/%(doy)s/%(woy)s"}""");
        var iso = await _app.CreateAsync("ir.sequence", """{"name":"Iso","prefix":"%(isoyear)s/%(isoy)s/","suffix":"/%(isoweek)s/%(weekday)s"}""");

        Assert.Equal("2025/03/07/1/25/066/09", await _sequences.NextByIdAsync(plain, Friday, CancellationToken.None));
        Assert.Equal("2025/25/1/10/5", await _sequences.NextByIdAsync(iso, Friday, CancellationToken.None));
    }

    [Fact]
    public async Task Scenario59_InvalidPlaceholderOrFormat_RaisesWhenDrawing()
    {
        var unknown = await _app.CreateAsync("ir.sequence", """{"name":"Bad suffix","suffix":"/%(invalid)s"}""");
        var positional = await _app.CreateAsync("ir.sequence", """{"name":"Bad prefix","prefix":"%u"}""");

        var first = await Assert.ThrowsAsync<SequenceException>(() => _sequences.NextByIdAsync(unknown, null, CancellationToken.None));
        var second = await Assert.ThrowsAsync<SequenceException>(() => _sequences.NextByIdAsync(positional, null, CancellationToken.None));

        Assert.Equal("Invalid prefix or suffix for sequence “Bad suffix”", first.Message);
        Assert.Equal("Invalid prefix or suffix for sequence “Bad prefix”", second.Message);
    }

    [Fact]
    public async Task Scenario60_StandardPadding_FourDrawsThenResetToOne()
    {
        var sequence = await _app.CreateAsync("ir.sequence", """{"name":"Padded","padding":4}""");
        for (var i = 0; i < 3; i++)
        {
            await _sequences.NextByIdAsync(sequence, null, CancellationToken.None);
        }

        var fourth = await _sequences.NextByIdAsync(sequence, null, CancellationToken.None);
        await _app.SendAsync(HttpMethod.Patch, $"/api/records/ir.sequence/{sequence}", """{"number_next":1}""", HttpStatusCode.OK);
        var reset = await _sequences.NextByIdAsync(sequence, null, CancellationToken.None);

        Assert.Equal("0004", fourth);
        Assert.Equal("0001", reset);
    }

    [Fact]
    public async Task Scenario61_DateRanges_ANewRangeFillsTheGapBeforeAMovedRange()
    {
        var lastYear = DateTime.UtcNow.Year - 1;
        var jan16 = new DateOnly(lastYear, 1, 16);
        var sequence = await _app.CreateAsync("ir.sequence", """{"name":"Ranged","use_date_range":true}""");

        var first = await _sequences.NextByIdAsync(sequence, jan16, CancellationToken.None);
        var second = await _sequences.NextByIdAsync(sequence, jan16, CancellationToken.None);
        var range = Assert.Single(await _app.SearchAsync("ir.sequence.date_range", $"[('sequence_id','=',{sequence})]"))!;
        await _app.SendAsync(HttpMethod.Patch, $"/api/records/ir.sequence.date_range/{range["id"]}", $$"""{"date_from":"{{lastYear}}-01-18"}""", HttpStatusCode.OK);
        var afterMove = await _sequences.NextByIdAsync(sequence, jan16, CancellationToken.None);

        Assert.Equal(("1", "2", "1"), (first, second, afterMove));
        var ranges = await _app.SearchAsync("ir.sequence.date_range", $"[('sequence_id','=',{sequence})]");
        var created = ranges.Single(r => r!["id"]!.GetValue<long>() != range["id"]!.GetValue<long>())!;
        Assert.Equal(($"{lastYear}-01-01", $"{lastYear}-01-17"), (created["date_from"]!.GetValue<string>(), created["date_to"]!.GetValue<string>()));
    }

    [Fact]
    public async Task EditsAndArchiving_BetweenDraws_AreSeenByTheNextDraw()
    {
        // A draw starts from the version of the sequence this instance wrote last; an edit since must still count.
        var sequence = await _app.CreateAsync("ir.sequence", """{"name":"Edited","prefix":"A/"}""");
        var first = await _sequences.NextByIdAsync(sequence, null, CancellationToken.None);
        await _app.SendAsync(HttpMethod.Patch, $"/api/records/ir.sequence/{sequence}", """{"prefix":"B/","number_increment":10}""", HttpStatusCode.OK);
        var second = await _sequences.NextByIdAsync(sequence, null, CancellationToken.None);
        var third = await _sequences.NextByIdAsync(sequence, null, CancellationToken.None);
        await _app.SendAsync(HttpMethod.Patch, $"/api/records/ir.sequence/{sequence}", """{"active":false}""", HttpStatusCode.OK);
        var archived = await _sequences.NextByIdAsync(sequence, null, CancellationToken.None);

        Assert.Equal(("A/1", "B/2", "B/12", (string?)null), (first, second, third, archived));
    }

    [Fact]
    public async Task ConcurrentDraws_OnTwoInstances_NeverRepeatANumberAndSkipNone()
    {
        var sequence = await _app.CreateAsync("ir.sequence", """{"name":"Busy","number_increment":1}""");
        var otherInstance = new SequenceNumbers(azurite.Tables.GetTableClient(RecordEntities.TableName));

        var draws = await Task.WhenAll(Enumerable.Range(0, 8).Select(drawer => Task.Run(async () =>
        {
            var numbers = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                numbers.Add((await (drawer % 2 == 0 ? _sequences : otherInstance).NextByIdAsync(sequence, null, CancellationToken.None))!);
            }

            return numbers;
        })));

        var all = draws.SelectMany(d => d).Select(int.Parse).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 320), all);
    }

    [Fact]
    public async Task SaleOrder_CreatedWithoutAName_IsNamedFromItsSequence()
    {
        var partner = await _app.CreateAsync("res.partner", """{"name":"Customer"}""");
        var order = await _app.CreateAsync("sale.order", $$"""{"partner_id": {{partner}}}""");

        var name = (await _app.ReadAsync("sale.order", order))["name"]!.GetValue<string>();

        Assert.Matches("^S[0-9]{5}$", name);
    }
}
