namespace Automation.Scripting.Tests.Differential;

public class DifferentialTests
{
    private static readonly ScriptEngine Engine = new();

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        var snippets = Corpus.Snippets;
        for (var i = 0; i < snippets.Count; i++)
        {
            data.Add(snippets[i].File, i);
        }

        return data;
    }

    [Fact]
    public void Corpus_HasAtLeast400Snippets()
    {
        Assert.True(Corpus.Snippets.Count >= 400, $"only {Corpus.Snippets.Count} snippets");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Snippet_GivesTheSameResultAsCPython(string file, int index)
    {
        var snippet = Corpus.Snippets[index];
        var expected = Corpus.Expected[index];
        var actual = Corpus.RunOurs(Engine, snippet.Source);
        Assert.True(expected == actual, $"{file} #{snippet.Index}\n{snippet.Source}\nCPython: {expected}\nours:    {actual}");
    }
}
