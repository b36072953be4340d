namespace Automation.Scripting.Bench;

/// <summary>The pure-language benchmark set; each program runs identically in CPython and in our interpreter.</summary>
internal static class Snippets
{
    public static readonly (string Name, string Source)[] All =
    [
        ("loop_sum", """
            def f():
                t = 0
                for i in range(100000):
                    t += i
                return t
            f()
            """),
        ("int_arith_while", """
            def f():
                i = 0
                x = 0
                while i < 50000:
                    x = (x * 31 + i) % 1000003
                    i += 1
                return x
            f()
            """),
        ("float_arith", """
            def f():
                x = 0.0
                for i in range(50000):
                    x += i * 0.5 / (i + 1.0)
                return x
            f()
            """),
        ("str_build_join", """
            def f():
                parts = []
                for i in range(20000):
                    parts.append(str(i))
                return ','.join(parts)
            f()
            """),
        ("str_methods", """
            def f():
                words = ['  alpha ', 'Beta', ' gamma  ', 'DELTA', 'epsilon '] * 2000
                out = []
                for w in words:
                    out.append(w.strip().lower().replace('a', 'A'))
                return len(out)
            f()
            """),
        ("list_comprehension", """
            def f():
                return [x * x for x in range(50000) if x % 3]
            f()
            """),
        ("dict_build_lookup", """
            def f():
                d = {i: i * 2 for i in range(20000)}
                t = 0
                for i in range(20000):
                    t += d[i]
                return t
            f()
            """),
        ("function_calls", """
            def add(a, b):
                return a + b
            def f():
                t = 0
                for i in range(50000):
                    t = add(t, i)
                return t
            f()
            """),
        ("recursion_fib", """
            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)
            fib(20)
            """),
        ("sort_with_key", """
            def f():
                data = list(range(20000, 0, -1))
                return sorted(data, key=lambda x: x % 100)[:3]
            f()
            """),
        ("fstring_format", """
            def f():
                out = []
                for i in range(10000):
                    out.append(f'{i}:{i * 1.5:.2f}')
                return len(out)
            f()
            """),
        ("word_count_dict", """
            def f():
                text = 'the quick brown fox jumps over the lazy dog ' * 1000
                counts = {}
                for w in text.split():
                    counts[w] = counts.get(w, 0) + 1
                return counts
            f()
            """),
    ];
}
