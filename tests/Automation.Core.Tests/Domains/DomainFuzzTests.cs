using Automation.Core.Domains;
using Automation.Core.Records;
using static Automation.Core.Tests.Domains.DomainModels;

namespace Automation.Core.Tests.Domains;

/// <summary>Seeded mutations of valid domains: every input either compiles and evaluates, or is a <see cref="DomainException"/>.</summary>
public sealed class DomainFuzzTests
{
    private static readonly string[] Seeds =
    [
        "[('name', 'ilike', 'bob'), ('qty', '>', 3)]",
        "['|', ('state', '=', 'draft'), '!', ('date', '<', '2025-01-01')]",
        "[('partner_id.parent_id.name', '!=', 'x'), ('tag_ids', 'any', [('name', '=like', 'a%')])]",
        "[('id', 'child_of', [1, 2]), ('deadline', '>=', 'now -1d'), ('amount', 'in', [1.5, False])]",
        """[["line_ids", "not any", [["qty", "<", 2]]], ["active", "=", true], ["user_id", "=?", null]]""",
        "[('date', '=', context_today()), ('user_id', '=', uid), ('name', 'not =ilike', time.strftime('%Y'))]",
    ];

    private const string Alphabet = "[](),'\"!|&=<>%_.: abcdefghijklmnopqrstuvwxyz_0123456789-+\\";

    [Fact]
    public async Task MutatedDomains_CompileAndEvaluate_OrFailWithDomainException()
    {
        var random = new Random(5);
        var source = new InMemoryRecordSource().Add(Record(Partner, 1, ("name", "p"), ("parent_id", 2L)), Record(Partner, 2, ("name", "q")),
            Record(Tag, 1, ("name", "a")), Record(Line, 1, ("lead_id", 1L), ("qty", 1L)));
        RecordData[] records =
        [
            Lead1(1, ("name", "Bob"), ("partner_id", 1L), ("tag_ids", new long[] { 1 }), ("qty", 4L)),
            Lead1(2),
            Lead1(3, ("date", new DateOnly(2025, 1, 1)), ("deadline", DateTime.UtcNow), ("active", true), ("amount", 1.5)),
        ];
        var compiled = 0;

        for (var i = 0; i < 3000; i++)
        {
            var text = Mutate(random, Seeds[random.Next(Seeds.Length)]);
            try
            {
                var domain = Compile(text);
                compiled++;
                await domain.FilterAsync(records, source, default);
                DomainPushdown.Split(domain);
            }
            catch (DomainException)
            {
                // A clear error is the expected outcome for most mutations.
            }
        }

        Assert.True(compiled > 100, $"Only {compiled} mutations compiled.");
    }

    private static string Mutate(Random random, string text)
    {
        var chars = text.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count + 1);
            switch (random.Next(3))
            {
                case 0 when at < chars.Count:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                default:
                    if (at < chars.Count)
                    {
                        chars[at] = Alphabet[random.Next(Alphabet.Length)];
                    }

                    break;
            }
        }

        return new string([.. chars]);
    }
}
