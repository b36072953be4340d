using Automation.Scripting.Runtime;

namespace Automation.Scripting.Syntax;

/// <summary>
/// Resolves every name to a slot (local, closure cell, free cell or module global) so evaluation never
/// looks variables up by name. Python scoping: a name bound anywhere in a function is local to it.
/// </summary>
internal sealed class Resolver
{
    private sealed class Scope(Scope? parent, FunctionCode? code)
    {
        public readonly Scope? Parent = parent;
        public readonly FunctionCode? Code = code;
        public readonly List<string> BoundOrder = [];
        public readonly HashSet<string> Bound = [];
        public readonly HashSet<string> Cells = [];
        public readonly List<string> Free = [];
        public readonly List<Name> Refs = [];
        public readonly Dictionary<string, int> Slots = [];

        public bool IsModule => Code == null;

        public void Bind(string name)
        {
            if (Bound.Add(name))
            {
                BoundOrder.Add(name);
            }
        }
    }

    private readonly List<Scope> _scopes = [];
    private readonly Dictionary<string, int> _globals = [];
    private readonly List<string> _globalNames = [];

    public static string[] Resolve(Node root, int maxDepth)
    {
        CheckDepth(root, maxDepth);
        var r = new Resolver();
        var module = new Scope(null, null);
        r._scopes.Add(module);
        r.Walk(root, module);
        r.Finish();
        return [.. r._globalNames];
    }

    private static IEnumerable<Node> ChildrenOf(Node n) => n switch
    {
        LambdaExpr l => l.Children().Append(l.Code.Body),
        Expr e => e.Children(),
        Stmt s => s.Children(),
        _ => [],
    };

    /// <summary>Iterative depth check so that evaluation (which recurses per node) stays far from the stack limit.</summary>
    private static void CheckDepth(Node root, int maxDepth)
    {
        var stack = new Stack<(Node Node, int Depth)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (n, d) = stack.Pop();
            if (d > maxDepth)
            {
                throw new ScriptSyntaxException($"expression too deeply nested (more than {maxDepth} levels; ScriptLimits.MaxNestingDepth)", n.Line, n.Col);
            }

            foreach (var c in ChildrenOf(n))
            {
                stack.Push((c, d + 1));
            }
        }
    }

    private void Walk(Node n, Scope s)
    {
        switch (n)
        {
            case Name nm:
                s.Refs.Add(nm);
                if (nm.Binds)
                {
                    s.Bind(nm.Id);
                }

                return;
            case LambdaExpr l:
                {
                    foreach (var d in l.Children())
                    {
                        Walk(d, s);
                    }

                    var c = new Scope(s, l.Code);
                    _scopes.Add(c);
                    foreach (var p in l.Code.ParamNames)
                    {
                        c.Bind(p);
                    }

                    Walk(l.Code.Body, c);
                    return;
                }

            case ComprehensionExpr ce:
                {
                    Walk(ce.Gens[0].Iter, s);
                    var c = new Scope(s, ce.Code);
                    _scopes.Add(c);
                    for (var i = 0; i < ce.Gens.Length; i++)
                    {
                        var g = ce.Gens[i];
                        Walk(g.Target, c);
                        if (i > 0)
                        {
                            Walk(g.Iter, c);
                        }

                        foreach (var cond in g.Ifs)
                        {
                            Walk(cond, c);
                        }
                    }

                    Walk(ce.Elt, c);
                    if (ce.Value != null)
                    {
                        Walk(ce.Value, c);
                    }

                    return;
                }

            default:
                foreach (var child in ChildrenOf(n))
                {
                    Walk(child, s);
                }

                return;
        }
    }

    private int Global(string name)
    {
        if (!_globals.TryGetValue(name, out var i))
        {
            i = _globalNames.Count;
            _globals[name] = i;
            _globalNames.Add(name);
        }

        return i;
    }

    private void Finish()
    {
        // 1. free variables and the cells they live in
        foreach (var s in _scopes)
        {
            if (s.IsModule)
            {
                continue;
            }

            foreach (var r in s.Refs)
            {
                if (s.Bound.Contains(r.Id))
                {
                    continue;
                }

                Scope? owner = null;
                for (var p = s.Parent; p != null && !p.IsModule; p = p.Parent)
                {
                    if (p.Bound.Contains(r.Id))
                    {
                        owner = p;
                        break;
                    }
                }

                if (owner == null)
                {
                    continue;
                }

                owner.Cells.Add(r.Id);
                for (var x = s; x != owner; x = x.Parent!)
                {
                    if (!x.Free.Contains(r.Id))
                    {
                        x.Free.Add(r.Id);
                    }
                }
            }
        }

        // 2. slots
        foreach (var s in _scopes)
        {
            if (s.IsModule)
            {
                foreach (var name in s.BoundOrder)
                {
                    Global(name);
                }

                continue;
            }

            var code = s.Code!;
            foreach (var p in code.ParamNames)
            {
                s.Slots[p] = s.Slots.Count;
            }

            foreach (var name in s.BoundOrder)
            {
                if (!s.Slots.ContainsKey(name))
                {
                    s.Slots[name] = s.Slots.Count;
                }
            }

            code.NSlots = s.Slots.Count;
            code.CellSlots = [.. s.Cells.Select(c => s.Slots[c])];
        }

        // 3. closures and name nodes
        foreach (var s in _scopes)
        {
            if (!s.IsModule)
            {
                var parent = s.Parent!;
                s.Code!.FreeSources = [.. s.Free.Select(name => parent.IsModule
                    ? (true, -1)
                    : parent.Bound.Contains(name) ? (false, parent.Slots[name]) : (true, parent.Free.IndexOf(name)))];
            }

            foreach (var r in s.Refs)
            {
                if (s.IsModule)
                {
                    r.Kind = NameKind.Global;
                    r.Index = Global(r.Id);
                }
                else if (s.Bound.Contains(r.Id))
                {
                    r.Kind = s.Cells.Contains(r.Id) ? NameKind.Cell : NameKind.Local;
                    r.Index = s.Slots[r.Id];
                }
                else if (s.Free.Contains(r.Id))
                {
                    r.Kind = NameKind.Free;
                    r.Index = s.Free.IndexOf(r.Id);
                }
                else
                {
                    r.Kind = NameKind.Global;
                    r.Index = Global(r.Id);
                }
            }
        }
    }
}
