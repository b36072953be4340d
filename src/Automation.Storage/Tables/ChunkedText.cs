using System.Globalization;
using System.Text;

namespace Automation.Storage.Tables;

/// <summary>
/// Text longer than one string property holds (32 K UTF-16 characters) stored across <c>Data0</c>, <c>Data1</c>, …
/// with their count in <c>Chunks</c>; an entity holds up to 1 MiB, so about 500 K characters this way.
/// </summary>
public static class ChunkedText
{
    public const int ChunkChars = 30_000;

    public static void Write(TableEntity entity, string text)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(text);
        entity["Chunks"] = (text.Length + ChunkChars - 1) / ChunkChars;
        for (var i = 0; i * ChunkChars < text.Length; i++)
        {
            entity[Name(i)] = text.Substring(i * ChunkChars, Math.Min(ChunkChars, text.Length - i * ChunkChars));
        }
    }

    public static string Read(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var text = new StringBuilder();
        for (var i = 0; i < (entity.GetInt32("Chunks") ?? 0); i++)
        {
            text.Append(entity.GetString(Name(i)));
        }

        return text.ToString();
    }

    private static string Name(int index) => "Data" + index.ToString(CultureInfo.InvariantCulture);
}
