namespace Automation.Scripting.Runtime;

/// <summary>Stable merge sort using Python's '&lt;' (exceptions from comparisons propagate unchanged).</summary>
internal static class Sorting
{
    public static List<object?> Sort(Run run, IReadOnlyList<object?> items, object? key, bool reverse)
    {
        var n = items.Count;
        var keys = new object?[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = key == null ? items[i] : Ops.Call(run, key, [items[i]], null);
        }

        var idx = new int[n];
        for (var i = 0; i < n; i++)
        {
            idx[i] = i;
        }

        if (reverse)
        {
            // Python keeps equal elements in original order even when reversed
            Array.Reverse(idx);
        }

        var tmp = new int[n];
        MergeSort(run, idx, tmp, 0, n, keys, reverse);
        if (reverse)
        {
            Array.Reverse(idx);
        }

        var r = new List<object?>(n);
        foreach (var i in idx)
        {
            r.Add(items[i]);
        }

        return r;
    }

    private static bool Less(object? a, object? b) => a is long x && b is long y ? x < y : Ops.CompareOrThrow(a, b, "<") == -1;

    private static void MergeSort(Run run, int[] a, int[] tmp, int lo, int hi, object?[] keys, bool reverse)
    {
        if (hi - lo < 2)
        {
            return;
        }

        if (hi - lo <= 16)
        {
            for (var i = lo + 1; i < hi; i++)
            {
                var v = a[i];
                var j = i - 1;
                while (j >= lo && Before(keys, v, a[j], reverse))
                {
                    a[j + 1] = a[j];
                    j--;
                }

                a[j + 1] = v;
                run.Tick();
            }

            return;
        }

        var mid = (lo + hi) / 2;
        MergeSort(run, a, tmp, lo, mid, keys, reverse);
        MergeSort(run, a, tmp, mid, hi, keys, reverse);
        int l = lo, r = mid, k = lo;
        while (l < mid && r < hi)
        {
            tmp[k++] = Before(keys, a[r], a[l], reverse) ? a[r++] : a[l++];
        }

        while (l < mid)
        {
            tmp[k++] = a[l++];
        }

        while (r < hi)
        {
            tmp[k++] = a[r++];
        }

        Array.Copy(tmp, lo, a, lo, hi - lo);
        run.Tick();
    }

    // sorting with reverse=True: the index order was reversed first, so compare normally then reverse at the end
    private static bool Before(object?[] keys, int x, int y, bool reverse) => Less(keys[x], keys[y]);
}
