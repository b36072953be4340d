using System.Globalization;
using Automation.Core.Records;

namespace Automation.Core.Domains;

/// <summary>
/// Searches a model with a domain: the pushed-down part as the storage <c>$filter</c>, the remainder in memory on each
/// page, in id order. The cursor is the last id handed out (<c>id gt</c> in the filter), so a page can stop in the
/// middle of a storage page without losing or repeating records.
/// </summary>
public static class DomainSearch
{
    /// <summary>Entities one call reads at most; a selective in-memory remainder then returns fewer records and a cursor.</summary>
    public const int MaxScannedPerCall = 5000;

    private const string CursorPrefix = "d";

    public static async Task<RecordPage> SearchAsync(IRecordStore store, CompiledDomain domain, int limit, string? cursor,
        CancellationToken cancellationToken, int maxScanned = MaxScannedPerCall)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var after = ParseCursor(cursor);
        var plan = DomainPushdown.Split(domain, DomainPushdown.DefaultMaxComparisons - 1); // one comparison for the cursor
        if (plan.MatchesNothing)
        {
            return new RecordPage([], null);
        }

        var source = new RecordStoreDomainSource(store);
        var found = new List<RecordData>();
        var scanned = 0;
        long? lastSeen = null;
        string? storeCursor = null;
        var filter = Combine(plan.Filter, after);
        for (var round = 0; round < 10_000; round++)
        {
            // With nothing left in memory every entity is a match: read just what the page needs.
            var want = plan.Remainder.IsAll ? limit - found.Count : 1000;
            var page = await store.ListAsync(domain.Model, filter, Math.Clamp(want, 1, 1000), storeCursor, cancellationToken);
            scanned += page.Records.Count;
            var matches = plan.Remainder.IsAll ? page.Records : await plan.Remainder.FilterAsync(page.Records, source, cancellationToken);
            foreach (var record in matches)
            {
                found.Add(record);
                if (found.Count == limit)
                {
                    var more = page.NextCursor is not null || !ReferenceEquals(record, page.Records[^1]);
                    return new RecordPage(found, more ? Cursor(record.Id) : null);
                }
            }

            if (page.Records.Count > 0)
            {
                lastSeen = page.Records[^1].Id;
            }

            storeCursor = page.NextCursor;
            if (storeCursor is null)
            {
                return new RecordPage(found, null);
            }

            if (scanned >= maxScanned && lastSeen is { } seen)
            {
                return new RecordPage(found, Cursor(seen));
            }
        }

        return new RecordPage(found, lastSeen is { } last ? Cursor(last) : cursor);
    }

    private static string? Combine(string? filter, long? after)
    {
        if (after is null)
        {
            return filter;
        }

        var cursor = $"id gt {after.Value.ToString(CultureInfo.InvariantCulture)}L";
        return filter is null ? cursor : $"({filter}) and {cursor}";
    }

    private static string Cursor(long id) => CursorPrefix + id.ToString(CultureInfo.InvariantCulture);

    private static long? ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        return cursor.StartsWith(CursorPrefix, StringComparison.Ordinal) &&
            long.TryParse(cursor.AsSpan(CursorPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new RecordValidationException(new Dictionary<string, string[]>
            {
                ["cursor"] = ["The cursor is not one this search returned."],
            });
    }
}
