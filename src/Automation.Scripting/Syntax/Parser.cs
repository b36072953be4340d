using System.Globalization;
using System.Text;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Syntax;

/// <summary>Recursive-descent parser for the supported Python subset, with CPython's error positions.</summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    private readonly List<Token> _tokens;
    private readonly int _maxNesting;
    private ScriptSyntaxException? _pendingError;
    private int _pos;
    private int _depth;
    private int _loopDepth;
    private int _funcDepth;

    private Parser(List<Token> tokens, int maxNesting)
    {
        _tokens = tokens;
        _maxNesting = maxNesting;
    }

    public static Block ParseModule(string source, int maxNesting)
    {
        var tokens = Lexer.Tokenize(source, Math.Min(200, maxNesting), out var pending);
        var p = new Parser(tokens, maxNesting) { _pendingError = pending };
        var stmts = new List<Stmt>();
        while (p.Cur.Kind != TokenKind.EndOfFile)
        {
            if (p.Cur.Kind == TokenKind.Newline)
            {
                p._pos++;
                continue;
            }

            p.ParseStatement(stmts);
        }

        return new Block([.. stmts]) { Line = 1, Col = 1 };
    }

    public static Expr ParseExpression(string source, int maxNesting)
    {
        var tokens = Lexer.Tokenize(source, Math.Min(200, maxNesting), out var pending);
        var p = new Parser(tokens, maxNesting) { _pendingError = pending };
        while (p.Cur.Kind is TokenKind.Newline or TokenKind.Indent)
        {
            if (p.Cur.Kind == TokenKind.Indent)
            {
                throw new ScriptSyntaxException("unexpected indent", p.Cur.Line, p.Cur.Column, "IndentationError");
            }

            p._pos++;
        }

        var e = p.ParseTestListStarExpr(allowStar: false);
        while (p.Cur.Kind is TokenKind.Newline or TokenKind.Dedent)
        {
            p._pos++;
        }

        if (p.Cur.Kind != TokenKind.EndOfFile)
        {
            throw p.Error("invalid syntax");
        }

        return e;
    }

    private Token Cur => _tokens[_pos];

    private Token Peek(int n = 1) => _tokens[Math.Min(_pos + n, _tokens.Count - 1)];

    private ScriptSyntaxException Error(string msg, Token? t = null)
    {
        t ??= Cur;
        if (_pendingError != null && _tokens.Skip(_pos).All(x => x.Kind is TokenKind.Newline or TokenKind.Dedent or TokenKind.EndOfFile))
        {
            // the parser ran out of input inside an unclosed bracket: CPython reports the bracket
            return _pendingError;
        }

        return new ScriptSyntaxException(msg, t.Line, t.Column);
    }

    private static ScriptSyntaxException Error(string msg, Node n) => new(msg, n.Line, n.Col);

    private static ScriptSyntaxException Refuse(string msg, Token t) => new(msg, t.Line, t.Column, "NotAllowed");

    private bool IsOp(string op) => Cur.Kind == TokenKind.Op && Cur.Text == op;

    private bool IsKw(string kw) => Cur.Kind == TokenKind.Name && Cur.Text == kw;

    private Token Expect(string op)
    {
        if (!IsOp(op))
        {
            throw Error(op == ":" ? "expected ':'" : "invalid syntax");
        }

        return _tokens[_pos++];
    }

    private static T At<T>(T node, Token t)
        where T : Node
    {
        node.Line = t.Line;
        node.Col = t.Column;
        return node;
    }

    private void Enter()
    {
        // both checks end in a syntax error: the nesting setting, and the real stack headroom of the calling thread
        if (++_depth > _maxNesting || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ScriptSyntaxException("too many nested parentheses", Cur.Line, Cur.Column);
        }
    }

    // ------------------------------------------------------------------ statements

    private void ParseStatement(List<Stmt> into)
    {
        var t = Cur;
        if (t.Kind == TokenKind.Indent)
        {
            throw new ScriptSyntaxException("unexpected indent", t.Line, t.Column, "IndentationError");
        }

        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "if":
                    into.Add(ParseIf());
                    return;
                case "while":
                    into.Add(ParseWhile());
                    return;
                case "for":
                    into.Add(ParseFor());
                    return;
                case "try":
                    into.Add(ParseTry());
                    return;
                case "def":
                    into.Add(ParseDef());
                    return;
                case "class":
                    throw Refuse("class definitions are not supported", t);
                case "with":
                    throw Refuse("'with' statements are not supported", t);
                case "async":
                    throw Refuse("'async' is not supported", t);
                case "match" when Peek().Kind is TokenKind.Name or TokenKind.Int or TokenKind.String && !Peek().Is("in") && !Peek().Is("if") && Peek(2).Is(":"):
                    throw Refuse("'match' statements are not supported", t);
            }
        }

        if (t.Kind == TokenKind.Op && t.Text == "@")
        {
            throw Refuse("decorators are not supported", t);
        }

        ParseSimpleStatements(into);
    }

    private void ParseSimpleStatements(List<Stmt> into)
    {
        while (true)
        {
            into.Add(ParseSmallStatement());
            if (IsOp(";"))
            {
                _pos++;
                if (Cur.Kind == TokenKind.Newline)
                {
                    break;
                }

                continue;
            }

            break;
        }

        if (Cur.Kind != TokenKind.Newline)
        {
            throw Error("invalid syntax");
        }

        _pos++;
    }

    private Stmt ParseSmallStatement()
    {
        var t = Cur;
        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "pass":
                    _pos++;
                    return At(new SimpleStmt(Flow.Normal), t);
                case "break":
                    _pos++;
                    if (_loopDepth == 0)
                    {
                        throw Error("'break' outside loop", t);
                    }

                    return At(new SimpleStmt(Flow.Break), t);
                case "continue":
                    _pos++;
                    if (_loopDepth == 0)
                    {
                        throw Error("'continue' not properly in loop", t);
                    }

                    return At(new SimpleStmt(Flow.Continue), t);
                case "return":
                    {
                        _pos++;
                        if (_funcDepth == 0)
                        {
                            throw Error("'return' outside function", t);
                        }

                        Expr? value = AtStatementEnd() ? null : ParseTestListStarExpr(allowStar: true);
                        return At(new ReturnStmt(value), t);
                    }

                case "raise":
                    {
                        _pos++;
                        Expr? exc = null;
                        Expr? cause = null;
                        if (!AtStatementEnd())
                        {
                            exc = ParseTest();
                            if (IsKw("from"))
                            {
                                _pos++;
                                cause = ParseTest();
                            }
                        }

                        return At(new RaiseStmt(exc, cause), t);
                    }

                case "del":
                    {
                        _pos++;
                        var targets = new List<Expr>();
                        do
                        {
                            if (targets.Count > 0)
                            {
                                _pos++;
                                if (AtStatementEnd())
                                {
                                    break;
                                }
                            }

                            var e = ParseExprOrStar();
                            CheckTarget(e, "delete", false);
                            targets.Add(e);
                        }
                        while (IsOp(","));
                        return At(new DeleteStmt([.. targets]), t);
                    }

                case "assert":
                    {
                        _pos++;
                        var test = ParseTest();
                        Expr? msg = null;
                        if (IsOp(","))
                        {
                            _pos++;
                            msg = ParseTest();
                        }

                        return At(new AssertStmt(test, msg), t);
                    }

                case "import":
                case "from":
                    throw Refuse("import is not allowed", t);
                case "global":
                    throw Refuse("'global' is not supported", t);
                case "nonlocal":
                    throw Refuse("'nonlocal' is not supported", t);
                case "yield":
                    throw Refuse("'yield' is not supported", t);
                case "await":
                    throw Refuse("'await' is not supported", t);
                case "async":
                    throw Refuse("'async' is not supported", t);
                case "class":
                    throw Refuse("class definitions are not supported", t);
                case "with":
                    throw Refuse("'with' statements are not supported", t);
            }
        }

        var first = ParseTestListStarExpr(allowStar: true);
        if (Cur.Kind == TokenKind.Op)
        {
            var op = Cur.Text;
            if (op == "=")
            {
                var targets = new List<Expr> { first };
                Expr value;
                while (true)
                {
                    _pos++;
                    var next = ParseTestListStarExpr(allowStar: true);
                    if (IsOp("="))
                    {
                        targets.Add(next);
                        continue;
                    }

                    value = next;
                    break;
                }

                for (var i = 0; i < targets.Count; i++)
                {
                    CheckTarget(targets[i], "assign to", i == 0);
                }

                return At(new AssignStmt([.. targets], value), t);
            }

            if (op.Length >= 2 && op[^1] == '=' && op is not ("==" or "!=" or "<=" or ">="))
            {
                if (first is not (Name or Attribute or Subscript))
                {
                    throw Error($"'{Describe(first)}' is an illegal expression for augmented assignment", first);
                }

                MarkStore(first);
                var opTok = Cur;
                _pos++;
                var value = ParseTestListStarExpr(allowStar: false);
                var bop = op[..^1] switch
                {
                    "+" => BinOp.Add,
                    "-" => BinOp.Sub,
                    "*" => BinOp.Mul,
                    "/" => BinOp.TrueDiv,
                    "//" => BinOp.FloorDiv,
                    "%" => BinOp.Mod,
                    "**" => BinOp.Pow,
                    "<<" => BinOp.LShift,
                    ">>" => BinOp.RShift,
                    "&" => BinOp.BitAnd,
                    "|" => BinOp.BitOr,
                    "^" => BinOp.BitXor,
                    _ => throw Error("invalid syntax", opTok),
                };
                return At(new AugAssignStmt(first, bop, value), t);
            }

            if (op == ":" && first is Name or Attribute or Subscript)
            {
                // annotated assignment: the annotation is evaluated and ignored
                _pos++;
                var ann = ParseTest();
                if (IsOp("="))
                {
                    _pos++;
                    var value = ParseTestListStarExpr(allowStar: true);
                    CheckTarget(first, "assign to", true);
                    return At(new AssignStmt([first], value), t);
                }

                return At(new ExprStmt(ann), t);
            }
        }

        if (first is Starred)
        {
            throw Error("can't use starred expression here", first);
        }

        return At(new ExprStmt(first), t);
    }

    private bool AtStatementEnd() => Cur.Kind == TokenKind.Newline || IsOp(";") || Cur.Kind == TokenKind.EndOfFile;

    private Stmt ParseBlock(string what, Token header)
    {
        Expect(":");
        if (Cur.Kind != TokenKind.Newline)
        {
            var simple = new List<Stmt>();
            ParseSimpleStatements(simple);
            return At(new Block([.. simple]), header);
        }

        _pos++;
        if (Cur.Kind != TokenKind.Indent)
        {
            throw new ScriptSyntaxException($"expected an indented block after {what} on line {header.Line}", Cur.Line, Cur.Kind == TokenKind.EndOfFile ? 0 : Cur.Column, "IndentationError");
        }

        _pos++;
        _depth++;
        if (_depth > _maxNesting / 2 || _depth > 100)
        {
            throw new ScriptSyntaxException("too many levels of indentation", Cur.Line, Cur.Column, "IndentationError");
        }

        var stmts = new List<Stmt>();
        while (Cur.Kind != TokenKind.Dedent && Cur.Kind != TokenKind.EndOfFile)
        {
            if (Cur.Kind == TokenKind.Newline)
            {
                _pos++;
                continue;
            }

            ParseStatement(stmts);
        }

        if (Cur.Kind == TokenKind.Dedent)
        {
            _pos++;
        }

        _depth--;
        return At(new Block([.. stmts]), header);
    }

    private Stmt ParseIf()
    {
        var t = Cur;
        _pos++;
        var test = ParseNamedExprTest();
        var body = ParseBlock("'if' statement", t);
        Stmt? orElse = null;
        if (IsKw("elif"))
        {
            var et = Cur;
            orElse = ParseElif();
            _ = et;
        }
        else if (IsKw("else"))
        {
            var et = Cur;
            _pos++;
            orElse = ParseBlock("'else' statement", et);
        }

        return At(new IfStmt(test, body, orElse), t);
    }

    private Stmt ParseElif()
    {
        var t = Cur;
        _pos++;
        var test = ParseNamedExprTest();
        var body = ParseBlock("'elif' statement", t);
        Stmt? orElse = null;
        if (IsKw("elif"))
        {
            orElse = ParseElif();
        }
        else if (IsKw("else"))
        {
            var et = Cur;
            _pos++;
            orElse = ParseBlock("'else' statement", et);
        }

        return At(new IfStmt(test, body, orElse), t);
    }

    private Stmt ParseWhile()
    {
        var t = Cur;
        _pos++;
        var test = ParseNamedExprTest();
        _loopDepth++;
        var body = ParseBlock("'while' statement", t);
        _loopDepth--;
        Stmt? orElse = null;
        if (IsKw("else"))
        {
            var et = Cur;
            _pos++;
            orElse = ParseBlock("'else' statement", et);
        }

        return At(new WhileStmt(test, body, orElse), t);
    }

    private Stmt ParseFor()
    {
        var t = Cur;
        _pos++;
        var target = ParseTargetList();
        if (!IsKw("in"))
        {
            throw Error("invalid syntax");
        }

        _pos++;
        var iter = ParseTestListStarExpr(allowStar: false);
        _loopDepth++;
        var body = ParseBlock("'for' statement", t);
        _loopDepth--;
        Stmt? orElse = null;
        if (IsKw("else"))
        {
            var et = Cur;
            _pos++;
            orElse = ParseBlock("'else' statement", et);
        }

        return At(new ForStmt(target, iter, body, orElse), t);
    }

    private Expr ParseTargetList()
    {
        var t = Cur;
        var items = new List<Expr> { ParseExprOrStar() };
        var trailing = false;
        while (IsOp(","))
        {
            _pos++;
            trailing = true;
            if (IsKw("in") || IsOp("="))
            {
                break;
            }

            items.Add(ParseExprOrStar());
            trailing = false;
        }

        var target = items.Count == 1 && !trailing ? items[0] : At(new SequenceExpr('(', [.. items]), t);
        CheckTarget(target, "assign to", false);
        return target;
    }

    private Stmt ParseTry()
    {
        var t = Cur;
        _pos++;
        var body = ParseBlock("'try' statement", t);
        var handlers = new List<ExceptHandler>();
        while (IsKw("except"))
        {
            var et = Cur;
            _pos++;
            if (IsOp("*"))
            {
                throw Refuse("'except*' is not supported", Cur);
            }

            Expr? type = null;
            Name? name = null;
            if (!IsOp(":"))
            {
                type = ParseTest();
                if (IsOp(","))
                {
                    var items = new List<Expr> { type };
                    while (IsOp(","))
                    {
                        _pos++;
                        items.Add(ParseTest());
                    }

                    throw Error("multiple exception types must be parenthesized", type);
                }

                if (IsKw("as"))
                {
                    _pos++;
                    var nt = Cur;
                    name = At(new Name(ParseIdentifier()), nt);
                    name.Binds = true;
                }
            }
            else if (handlers.Count > 0 && handlers[^1].Type == null)
            {
                throw Error("default 'except:' must be last", et);
            }

            var hbody = ParseBlock("'except' statement", et);
            handlers.Add(At(new ExceptHandler(type, name, hbody), et));
        }

        Stmt? orElse = null;
        if (IsKw("else"))
        {
            if (handlers.Count == 0)
            {
                throw Error("invalid syntax");
            }

            var et = Cur;
            _pos++;
            orElse = ParseBlock("'else' statement", et);
        }

        Stmt? final = null;
        if (IsKw("finally"))
        {
            var ft = Cur;
            _pos++;
            final = ParseBlock("'finally' statement", ft);
        }

        if (handlers.Count == 0 && final == null)
        {
            var k = _pos - 1;
            while (k > 0 && _tokens[k].Kind != TokenKind.Newline)
            {
                k--;
            }

            throw Error("expected 'except' or 'finally' block", _tokens[k]);
        }

        Stmt result = body;
        if (handlers.Count > 0)
        {
            result = At(new TryExceptStmt(body, [.. handlers], orElse), t);
        }

        if (final != null)
        {
            result = At(new TryFinallyStmt(result, final), t);
        }

        return result;
    }

    private string ParseIdentifier()
    {
        var t = Cur;
        if (t.Kind != TokenKind.Name || Keywords.Contains(t.Text))
        {
            throw Error("invalid syntax");
        }

        CheckDunder(t.Text, t);
        _pos++;
        return t.Text;
    }

    private static void CheckDunder(string name, Token t)
    {
        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            throw Refuse($"names starting with '__' are not allowed: '{name}'", t);
        }
    }

    private Stmt ParseDef()
    {
        var t = Cur;
        _pos++;
        var nameTok = Cur;
        var name = ParseIdentifier();
        Expect("(");
        var (code, defaults, kwDefaults) = ParseParameters(")");
        Expect(")");
        if (IsOp("->"))
        {
            _pos++;
            ParseTest();
        }

        code.Name = name;
        code.Line = t.Line;
        var savedLoop = _loopDepth;
        _loopDepth = 0;
        _funcDepth++;
        code.Body = ParseBlock("function definition", t);
        _funcDepth--;
        _loopDepth = savedLoop;
        var target = At(new Name(name) { Binds = true }, nameTok);
        return At(new FunctionDefStmt(target, At(new LambdaExpr(code, defaults, kwDefaults), t)), t);
    }

    private (FunctionCode Code, Expr[] Defaults, (string, Expr)[] KwDefaults) ParseParameters(string end)
    {
        var pos = new List<string>();
        var kwonly = new List<string>();
        string? varargs = null;
        string? kwargs = null;
        var defaults = new List<Expr>();
        var kwDefaults = new List<(string, Expr)>();
        var seenStar = false;
        var names = new HashSet<string>();
        while (!IsOp(end))
        {
            var pt = Cur;
            if (IsOp("**"))
            {
                _pos++;
                kwargs = ParseIdentifier();
                AnnotationIfAny(end);
                Unique(names, kwargs, pt);
                if (IsOp(","))
                {
                    _pos++;
                }

                if (!IsOp(end))
                {
                    throw Error("arguments cannot follow var-keyword argument");
                }

                break;
            }

            if (IsOp("*"))
            {
                _pos++;
                if (seenStar)
                {
                    throw Error("* argument may appear only once", pt);
                }

                seenStar = true;
                if (Cur.Kind == TokenKind.Name)
                {
                    varargs = ParseIdentifier();
                    AnnotationIfAny(end);
                    Unique(names, varargs, pt);
                }
                else if (IsOp(end) || (IsOp(",") && Peek().Is(end)))
                {
                    throw Error("named arguments must follow bare *", pt);
                }
            }
            else if (IsOp("/"))
            {
                _pos++;
            }
            else
            {
                var pname = ParseIdentifier();
                AnnotationIfAny(end);
                Unique(names, pname, pt);
                Expr? def = null;
                if (IsOp("="))
                {
                    _pos++;
                    def = ParseTest();
                }

                if (seenStar)
                {
                    kwonly.Add(pname);
                    if (def != null)
                    {
                        kwDefaults.Add((pname, def));
                    }
                }
                else
                {
                    if (def != null)
                    {
                        defaults.Add(def);
                    }
                    else if (defaults.Count > 0)
                    {
                        throw Error("non-default argument follows default argument", pt);
                    }

                    pos.Add(pname);
                }
            }

            if (!IsOp(","))
            {
                break;
            }

            _pos++;
        }

        var code = new FunctionCode
        {
            PosCount = pos.Count,
            KwOnlyCount = kwonly.Count,
        };
        var all = new List<string>(pos);
        all.AddRange(kwonly);
        if (varargs != null)
        {
            code.VarArgsSlot = all.Count;
            all.Add(varargs);
        }

        if (kwargs != null)
        {
            code.KwArgsSlot = all.Count;
            all.Add(kwargs);
        }

        code.ParamNames = [.. all];
        return (code, [.. defaults], [.. kwDefaults]);
    }

    private void AnnotationIfAny(string end)
    {
        if (end == ")" && IsOp(":"))
        {
            _pos++;
            ParseTest();
        }
    }

    private void Unique(HashSet<string> names, string name, Token t)
    {
        if (!names.Add(name))
        {
            throw Error($"duplicate argument '{name}' in function definition", t);
        }
    }

    // ------------------------------------------------------------------ targets

    private static string Describe(Expr e) => e switch
    {
        Constant { Value: null } => "None",
        Constant { Value: true } => "True",
        Constant { Value: false } => "False",
        Constant or JoinedStr => e is JoinedStr ? "f-string expression" : "literal",
        CallExpr => "function call",
        CompareExpr => "comparison",
        LambdaExpr => "lambda",
        IfExpr => "conditional expression",
        ComprehensionExpr c => c.Kind switch { '[' => "list comprehension", '{' => "set comprehension", 'd' => "dict comprehension", _ => "generator expression" },
        DictExpr => "dict literal",
        SequenceExpr { Kind: '{' } => "set display",
        SequenceExpr { Kind: '(' } => "tuple",
        SequenceExpr => "list",
        NamedExpr => "named expression",
        Attribute => "attribute",
        Subscript => "subscript",
        Name => "name",
        Starred => "starred",
        _ => "expression",
    };

    private static void CheckTarget(Expr e, string verb, bool first)
    {
        switch (e)
        {
            case Name n:
                if (n.Id is "True" or "False" or "None")
                {
                    throw Error($"cannot {verb} {n.Id}", e);
                }

                n.Binds = true;
                return;
            case Attribute or Subscript:
                return;
            case SequenceExpr { Kind: '(' or '[' } s:
                var stars = 0;
                foreach (var x in s.Elts)
                {
                    if (x is Starred st)
                    {
                        if (verb == "delete")
                        {
                            throw Error("cannot delete starred", x);
                        }

                        stars++;
                        CheckTarget(st.Value, verb, false);
                    }
                    else
                    {
                        CheckTarget(x, verb, false);
                    }
                }

                if (stars > 1)
                {
                    throw Error("multiple starred expressions in assignment", s);
                }

                return;
            case Starred st2 when verb != "delete":
                throw Error("starred assignment target must be in a list or tuple", st2);
            default:
                var what = Describe(e);
                var hint = first && verb == "assign to" && e is not (DictExpr or SequenceExpr or ComprehensionExpr or Starred or Constant { Value: null or bool })
                    ? " here. Maybe you meant '==' instead of '='?"
                    : "";
                throw Error($"cannot {verb} {what}{hint}", e);
        }
    }

    private static void MarkStore(Expr e)
    {
        if (e is Name n)
        {
            n.Binds = true;
        }
    }

    // ------------------------------------------------------------------ expressions

    private Expr ParseTestListStarExpr(bool allowStar)
    {
        var t = Cur;
        var first = allowStar ? ParseTestOrStar() : ParseTest();
        if (!IsOp(","))
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (IsOp(","))
        {
            _pos++;
            if (AtStatementEnd() || IsOp("=") || IsOp(")") || Cur.Kind == TokenKind.EndOfFile || IsOp(":") || (Cur.Kind == TokenKind.Op && Cur.Text.Length >= 2 && Cur.Text[^1] == '=' && Cur.Text is not ("==" or "!=" or "<=" or ">=")))
            {
                break;
            }

            items.Add(allowStar ? ParseTestOrStar() : ParseTest());
        }

        return At(new SequenceExpr('(', [.. items]), t);
    }

    private Expr ParseTestOrStar()
    {
        if (IsOp("*"))
        {
            var t = Cur;
            _pos++;
            return At(new Starred(ParseExpr()), t);
        }

        return ParseTest();
    }

    private Expr ParseExprOrStar()
    {
        if (IsOp("*"))
        {
            var t = Cur;
            _pos++;
            return At(new Starred(ParseExpr()), t);
        }

        return ParseExpr();
    }

    private Expr ParseNamedExprTest()
    {
        if (Cur.Kind == TokenKind.Name && Peek().Is(":="))
        {
            var t = Cur;
            var name = At(new Name(ParseIdentifier()) { Binds = true }, t);
            _pos++;
            return At(new NamedExpr(name, ParseTest()), t);
        }

        return ParseTest();
    }

    private Expr ParseTest()
    {
        Enter();
        try
        {
            var t = Cur;
            if (IsKw("lambda"))
            {
                return ParseLambda();
            }

            if (IsKw("yield"))
            {
                throw Refuse("'yield' is not supported", t);
            }

            var e = ParseOr();
            if (IsKw("if"))
            {
                _pos++;
                var test = ParseOr();
                if (!IsKw("else"))
                {
                    throw Error("expected 'else' after 'if' expression", e);
                }

                _pos++;
                var orElse = ParseTest();
                return At(new IfExpr(test, e, orElse), t);
            }

            return e;
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseTestNoCond()
    {
        if (IsKw("lambda"))
        {
            return ParseLambda();
        }

        return ParseOr();
    }

    private Expr ParseLambda()
    {
        var t = Cur;
        _pos++;
        var (code, defaults, kwDefaults) = ParseParameters(":");
        Expect(":");
        _funcDepth++;
        var savedLoop = _loopDepth;
        _loopDepth = 0;
        var body = ParseTest();
        _loopDepth = savedLoop;
        _funcDepth--;
        code.Body = At(new ReturnStmt(body), t);
        code.Line = t.Line;
        code.Name = "<lambda>";
        return At(new LambdaExpr(code, defaults, kwDefaults), t);
    }

    private Expr ParseOr()
    {
        var t = Cur;
        var e = ParseAnd();
        if (!IsKw("or"))
        {
            return e;
        }

        var values = new List<Expr> { e };
        while (IsKw("or"))
        {
            _pos++;
            values.Add(ParseAnd());
        }

        return At(new BoolOpExpr(false, [.. values]), t);
    }

    private Expr ParseAnd()
    {
        var t = Cur;
        var e = ParseNot();
        if (!IsKw("and"))
        {
            return e;
        }

        var values = new List<Expr> { e };
        while (IsKw("and"))
        {
            _pos++;
            values.Add(ParseNot());
        }

        return At(new BoolOpExpr(true, [.. values]), t);
    }

    private Expr ParseNot()
    {
        if (IsKw("not"))
        {
            var t = Cur;
            _pos++;
            Enter();
            try
            {
                return At(new UnaryExpr(UnaryOp.Not, ParseNot()), t);
            }
            finally
            {
                _depth--;
            }
        }

        return ParseComparison();
    }

    private Expr ParseComparison()
    {
        var t = Cur;
        var e = ParseExpr();
        List<CmpOp>? ops = null;
        List<Expr>? rights = null;
        while (true)
        {
            CmpOp op;
            if (Cur.Kind == TokenKind.Op)
            {
                switch (Cur.Text)
                {
                    case "==": op = CmpOp.Eq; break;
                    case "!=": op = CmpOp.NotEq; break;
                    case "<": op = CmpOp.Lt; break;
                    case "<=": op = CmpOp.LtE; break;
                    case ">": op = CmpOp.Gt; break;
                    case ">=": op = CmpOp.GtE; break;
                    default: goto done;
                }

                _pos++;
            }
            else if (IsKw("in"))
            {
                op = CmpOp.In;
                _pos++;
            }
            else if (IsKw("not") && Peek().Is("in"))
            {
                op = CmpOp.NotIn;
                _pos += 2;
            }
            else if (IsKw("is"))
            {
                _pos++;
                if (IsKw("not"))
                {
                    _pos++;
                    op = CmpOp.IsNot;
                }
                else
                {
                    op = CmpOp.Is;
                }
            }
            else
            {
                break;
            }

            (ops ??= []).Add(op);
            (rights ??= []).Add(ParseExpr());
        }

    done:
        return ops == null ? e : At(new CompareExpr(e, [.. ops], [.. rights!]), t);
    }

    private static readonly string[][] BinLevels =
    [
        ["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"],
    ];

    private Expr ParseExpr() => ParseBinary(0);

    private Expr ParseBinary(int level)
    {
        if (level == BinLevels.Length)
        {
            return ParseFactor();
        }

        var t = Cur;
        var e = ParseBinary(level + 1);
        var ops = BinLevels[level];
        while (Cur.Kind == TokenKind.Op && Array.IndexOf(ops, Cur.Text) >= 0)
        {
            var opTok = Cur;
            _pos++;
            var right = ParseBinary(level + 1);
            var op = opTok.Text switch
            {
                "|" => BinOp.BitOr,
                "^" => BinOp.BitXor,
                "&" => BinOp.BitAnd,
                "<<" => BinOp.LShift,
                ">>" => BinOp.RShift,
                "+" => BinOp.Add,
                "-" => BinOp.Sub,
                "*" => BinOp.Mul,
                "/" => BinOp.TrueDiv,
                "//" => BinOp.FloorDiv,
                "%" => BinOp.Mod,
                _ => BinOp.MatMul,
            };
            e = At(new BinaryExpr(op, e, right), t);
        }

        return e;
    }

    private Expr ParseFactor()
    {
        var t = Cur;
        if (Cur.Kind == TokenKind.Op && Cur.Text is "-" or "+" or "~")
        {
            _pos++;
            Enter();
            try
            {
                var operand = ParseFactor();
                if (t.Text == "-" && operand is Constant { Value: long l and not long.MinValue })
                {
                    return At(new Constant(Ops.Box(-l)), t);
                }

                if (t.Text == "-" && operand is Constant { Value: double d })
                {
                    return At(new Constant(-d), t);
                }

                return At(new UnaryExpr(t.Text == "-" ? UnaryOp.Neg : t.Text == "+" ? UnaryOp.Pos : UnaryOp.Invert, operand), t);
            }
            finally
            {
                _depth--;
            }
        }

        return ParsePower();
    }

    private Expr ParsePower()
    {
        var t = Cur;
        if (IsKw("await"))
        {
            throw Refuse("'await' is not supported", t);
        }

        var e = ParsePrimary();
        if (IsOp("**"))
        {
            _pos++;
            Enter();
            try
            {
                var right = ParseFactor();
                return At(new BinaryExpr(BinOp.Pow, e, right), t);
            }
            finally
            {
                _depth--;
            }
        }

        return e;
    }

    private Expr ParsePrimary()
    {
        var t = Cur;
        var e = ParseAtom();
        while (Cur.Kind == TokenKind.Op)
        {
            if (IsOp("."))
            {
                _pos++;
                var nt = Cur;
                if (nt.Kind != TokenKind.Name || Keywords.Contains(nt.Text))
                {
                    throw Error("invalid syntax");
                }

                CheckDunder(nt.Text, nt);
                _pos++;
                e = At(new Attribute(e, nt.Text), t);
            }
            else if (IsOp("("))
            {
                var open = Cur;
                _pos++;
                e = ParseCall(e, t, open);
            }
            else if (IsOp("["))
            {
                _pos++;
                var idx = ParseSubscriptList();
                Expect("]");
                e = At(new Subscript(e, idx), t);
            }
            else
            {
                break;
            }
        }

        return e;
    }

    private Expr ParseCall(Expr func, Token t, Token open)
    {
        Enter();
        try
        {
            var args = new List<Expr>();
            var kws = new List<Keyword>();
            var sawKwUnpack = false;
            while (!IsOp(")"))
            {
                var at = Cur;
                if (IsOp("*"))
                {
                    _pos++;
                    if (sawKwUnpack)
                    {
                        throw Error("iterable argument unpacking follows keyword argument unpacking", at);
                    }

                    args.Add(At(new Starred(ParseTest()), at));
                }
                else if (IsOp("**"))
                {
                    _pos++;
                    sawKwUnpack = true;
                    kws.Add(At(new Keyword(null, ParseTest()), at));
                }
                else if (Cur.Kind == TokenKind.Name && Peek().Is("=") && !Keywords.Contains(Cur.Text))
                {
                    var name = Cur.Text;
                    CheckDunder(name, Cur);
                    _pos += 2;
                    if (kws.Exists(k => k.Name == name))
                    {
                        throw Error($"keyword argument repeated: {name}", at);
                    }

                    kws.Add(At(new Keyword(name, ParseTest()), at));
                }
                else
                {
                    var e = ParseNamedExprTest();
                    if (IsKw("for"))
                    {
                        var comp = ParseComprehension('(', e, null, at);
                        if (args.Count > 0 || kws.Count > 0 || !IsOp(")"))
                        {
                            throw Error("Generator expression must be parenthesized", comp);
                        }

                        args.Add(comp);
                        break;
                    }

                    if (kws.Count > 0)
                    {
                        throw Error(sawKwUnpack ? "positional argument follows keyword argument unpacking" : "positional argument follows keyword argument", e);
                    }

                    if (IsOp("="))
                    {
                        throw Error("expression cannot contain assignment, perhaps you meant \"==\"?", e);
                    }

                    args.Add(e);
                }

                if (!IsOp(","))
                {
                    break;
                }

                _pos++;
            }

            if (!IsOp(")"))
            {
                throw Error("invalid syntax. Perhaps you forgot a comma?", Cur.Kind == TokenKind.Newline ? open : Cur);
            }

            _pos++;
            return At(new CallExpr(func, [.. args], [.. kws]), t);
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseSubscriptList()
    {
        var t = Cur;
        var first = ParseSubscript();
        if (!IsOp(","))
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (IsOp(","))
        {
            _pos++;
            if (IsOp("]"))
            {
                break;
            }

            items.Add(ParseSubscript());
        }

        return At(new SequenceExpr('(', [.. items]), t);
    }

    private Expr ParseSubscript()
    {
        var t = Cur;
        Expr? lower = null;
        if (!IsOp(":"))
        {
            lower = ParseNamedExprTest();
            if (!IsOp(":"))
            {
                return lower;
            }
        }

        _pos++;
        Expr? upper = null;
        Expr? step = null;
        if (!IsOp(":") && !IsOp("]") && !IsOp(","))
        {
            upper = ParseTest();
        }

        if (IsOp(":"))
        {
            _pos++;
            if (!IsOp("]") && !IsOp(","))
            {
                step = ParseTest();
            }
        }

        return At(new SliceExpr(lower, upper, step), t);
    }

    private Expr ParseAtom()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case TokenKind.Int:
                _pos++;
                return At(new Constant(t.Value is long l ? Ops.Box(l) : t.Value), t);
            case TokenKind.Float:
                _pos++;
                return At(new Constant(t.Value), t);
            case TokenKind.String:
                return ParseStrings();
            case TokenKind.Name:
                switch (t.Text)
                {
                    case "True":
                        _pos++;
                        return At(new Constant(Ops.True), t);
                    case "False":
                        _pos++;
                        return At(new Constant(Ops.False), t);
                    case "None":
                        _pos++;
                        return At(new Constant(null), t);
                    case "yield":
                        throw Refuse("'yield' is not supported", t);
                    case "await":
                        throw Refuse("'await' is not supported", t);
                    case "lambda":
                        return ParseLambda();
                }

                if (Keywords.Contains(t.Text))
                {
                    throw Error("invalid syntax");
                }

                CheckDunder(t.Text, t);
                _pos++;
                return At(new Name(t.Text), t);
            case TokenKind.Op:
                switch (t.Text)
                {
                    case "(":
                        return ParseParen();
                    case "[":
                        return ParseList();
                    case "{":
                        return ParseDictOrSet();
                    case "...":
                        _pos++;
                        return At(new Constant(null), t);
                }

                break;
            case TokenKind.Indent:
                throw new ScriptSyntaxException("unexpected indent", t.Line, t.Column, "IndentationError");
        }

        throw Error("invalid syntax");
    }

    private Expr ParseParen()
    {
        var t = Cur;
        _pos++;
        Enter();
        try
        {
            if (IsOp(")"))
            {
                _pos++;
                return At(new SequenceExpr('(', []), t);
            }

            if (IsKw("yield"))
            {
                throw Refuse("'yield' is not supported", Cur);
            }

            var first = ParseStarOrNamed();
            if (IsKw("for"))
            {
                var comp = ParseComprehension('(', first, null, t);
                Expect(")");
                return comp;
            }

            if (IsOp(")"))
            {
                _pos++;
                if (first is Starred)
                {
                    throw Error("cannot use starred expression here", first);
                }

                return first;
            }

            var items = new List<Expr> { first };
            while (IsOp(","))
            {
                _pos++;
                if (IsOp(")"))
                {
                    break;
                }

                items.Add(ParseStarOrNamed());
            }

            if (!IsOp(")"))
            {
                throw Error("invalid syntax. Perhaps you forgot a comma?", t);
            }

            _pos++;
            return At(new SequenceExpr('(', [.. items]), t);
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseStarOrNamed() => IsOp("*") ? ParseExprOrStar() : ParseNamedExprTest();

    private Expr ParseList()
    {
        var t = Cur;
        _pos++;
        Enter();
        try
        {
            var items = new List<Expr>();
            if (!IsOp("]"))
            {
                var first = ParseStarOrNamed();
                if (IsKw("for"))
                {
                    var comp = ParseComprehension('[', first, null, t);
                    Expect("]");
                    return comp;
                }

                items.Add(first);
                while (IsOp(","))
                {
                    _pos++;
                    if (IsOp("]"))
                    {
                        break;
                    }

                    items.Add(ParseStarOrNamed());
                }
            }

            if (!IsOp("]"))
            {
                throw Error("invalid syntax. Perhaps you forgot a comma?", t);
            }

            _pos++;
            return At(new SequenceExpr('[', [.. items]), t);
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseDictOrSet()
    {
        var t = Cur;
        _pos++;
        Enter();
        try
        {
            if (IsOp("}"))
            {
                _pos++;
                return At(new DictExpr([], []), t);
            }

            if (IsOp("**"))
            {
                return ParseDictRest(t, null, null);
            }

            var first = ParseStarOrNamed();
            if (IsOp(":") && first is not Starred)
            {
                _pos++;
                var value = ParseTest();
                if (IsKw("for"))
                {
                    var comp = ParseComprehension('d', first, value, t);
                    Expect("}");
                    return comp;
                }

                return ParseDictRest(t, first, value);
            }

            if (IsKw("for"))
            {
                var comp = ParseComprehension('{', first, null, t);
                Expect("}");
                return comp;
            }

            var items = new List<Expr> { first };
            while (IsOp(","))
            {
                _pos++;
                if (IsOp("}"))
                {
                    break;
                }

                items.Add(ParseStarOrNamed());
            }

            if (!IsOp("}"))
            {
                throw Error("invalid syntax. Perhaps you forgot a comma?", t);
            }

            _pos++;
            return At(new SequenceExpr('{', [.. items]), t);
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseDictRest(Token t, Expr? firstKey, Expr? firstValue)
    {
        var keys = new List<Expr?>();
        var values = new List<Expr>();
        if (firstValue != null)
        {
            keys.Add(firstKey);
            values.Add(firstValue);
            if (IsOp(","))
            {
                _pos++;
            }
        }

        while (!IsOp("}"))
        {
            if (IsOp("**"))
            {
                _pos++;
                keys.Add(null);
                values.Add(ParseExpr());
            }
            else
            {
                var k = ParseTest();
                if (!IsOp(":"))
                {
                    throw Error("':' expected after dictionary key", k);
                }

                _pos++;
                keys.Add(k);
                values.Add(ParseTest());
            }

            if (!IsOp(","))
            {
                break;
            }

            _pos++;
        }

        if (!IsOp("}"))
        {
            throw Error("invalid syntax. Perhaps you forgot a comma?", t);
        }

        _pos++;
        return At(new DictExpr([.. keys], [.. values]), t);
    }

    private ComprehensionExpr ParseComprehension(char kind, Expr elt, Expr? value, Token t)
    {
        if (elt is Starred)
        {
            throw Error("iterable unpacking cannot be used in comprehension", elt);
        }

        var gens = new List<ComprehensionFor>();
        while (IsKw("for") || IsKw("async"))
        {
            if (IsKw("async"))
            {
                throw Refuse("'async' is not supported", Cur);
            }

            _pos++;
            var target = ParseTargetList();
            if (!IsKw("in"))
            {
                throw Error("invalid syntax");
            }

            _pos++;
            var iter = ParseOr();
            var ifs = new List<Expr>();
            while (IsKw("if"))
            {
                _pos++;
                ifs.Add(ParseTestNoCond());
            }

            gens.Add(new ComprehensionFor(target, iter, [.. ifs]));
        }

        var comp = At(new ComprehensionExpr(kind, elt, value, [.. gens]), t);
        comp.Code.Name = kind switch { '[' => "<listcomp>", '{' => "<setcomp>", 'd' => "<dictcomp>", _ => "<genexpr>" };
        comp.Code.Line = t.Line;
        return comp;
    }

    // ------------------------------------------------------------------ strings and f-strings

    private Expr ParseStrings()
    {
        var t = Cur;
        var parts = new List<Expr>();
        var sb = new StringBuilder();
        var anyF = false;
        while (Cur.Kind == TokenKind.String)
        {
            var st = (StringToken)Cur.Value!;
            var tok = Cur;
            _pos++;
            if (!st.IsFString)
            {
                sb.Append(st.Value);
                continue;
            }

            anyF = true;
            if (sb.Length > 0)
            {
                parts.Add(At(new Constant(sb.ToString()), t));
                sb.Clear();
            }

            ParseFStringBody(st.Value, st.IsRaw, tok, parts, sb, 0);
        }

        if (!anyF)
        {
            return At(new Constant(sb.ToString()), t);
        }

        if (sb.Length > 0)
        {
            parts.Add(At(new Constant(sb.ToString()), t));
        }

        return At(new JoinedStr([.. parts]), t);
    }

    private void ParseFStringBody(string body, bool raw, Token tok, List<Expr> parts, StringBuilder literal, int nesting)
    {
        if (nesting > 2)
        {
            throw Error("f-string: expressions nested too deeply", tok);
        }

        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (c == '{')
            {
                if (i + 1 < body.Length && body[i + 1] == '{')
                {
                    literal.Append('{');
                    i += 2;
                    continue;
                }

                if (literal.Length > 0)
                {
                    parts.Add(At(new Constant(raw ? literal.ToString() : DecodeEscapes(literal.ToString())), tok));
                    literal.Clear();
                }

                i = ParseFStringField(body, i + 1, raw, tok, parts, nesting);
                continue;
            }

            if (c == '}')
            {
                if (i + 1 < body.Length && body[i + 1] == '}')
                {
                    literal.Append('}');
                    i += 2;
                    continue;
                }

                throw Error("f-string: single '}' is not allowed", tok);
            }

            literal.Append(c);
            i++;
        }

        if (literal.Length > 0 && !raw)
        {
            var decoded = DecodeEscapes(literal.ToString());
            literal.Clear().Append(decoded);
        }
    }

    private int ParseFStringField(string body, int start, bool raw, Token tok, List<Expr> parts, int nesting)
    {
        // find the end of the expression: '!', ':' or '}' at bracket depth 0, outside strings
        var depth = 0;
        var i = start;
        char quote = '\0';
        while (i < body.Length)
        {
            var c = body[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (depth == 0 && (c == ':' || (c == '!' && (i + 1 >= body.Length || body[i + 1] != '='))))
            {
                break;
            }

            i++;
        }

        if (i >= body.Length)
        {
            throw Error("f-string: expecting '}'", tok);
        }

        var exprText = body[start..i];
        var selfDoc = "";
        var trimmed = exprText.TrimEnd();
        if (trimmed.EndsWith('=') && !trimmed.EndsWith("==", StringComparison.Ordinal) && !trimmed.EndsWith("!=", StringComparison.Ordinal) && !trimmed.EndsWith("<=", StringComparison.Ordinal) && !trimmed.EndsWith(">=", StringComparison.Ordinal))
        {
            selfDoc = exprText;
            exprText = trimmed[..^1];
        }

        if (exprText.Trim().Length == 0)
        {
            throw Error("f-string: empty expression not allowed", tok);
        }

        if (exprText.Contains('\\', StringComparison.Ordinal))
        {
            throw Error("f-string expression part cannot include a backslash", tok);
        }

        Expr expr;
        try
        {
            expr = ParseExpression("(" + exprText.Replace('\n', ' ') + ")", _maxNesting - _depth);
        }
        catch (ScriptSyntaxException ex) when (ex.Kind != "NotAllowed")
        {
            throw new ScriptSyntaxException("f-string: " + ex.Detail, tok.Line, tok.Column);
        }
        catch (ScriptSyntaxException ex)
        {
            throw new ScriptSyntaxException(ex.Detail, tok.Line, tok.Column, ex.Kind);
        }

        SetPosition(expr, tok);
        var conv = '\0';
        if (body[i] == '!')
        {
            if (i + 1 >= body.Length)
            {
                throw Error("f-string: expecting '}'", tok);
            }

            conv = body[i + 1];
            if (conv is not ('r' or 's' or 'a'))
            {
                throw Error("f-string: invalid conversion character: expected 's', 'r', or 'a'", tok);
            }

            i += 2;
        }

        Expr? spec = null;
        if (i < body.Length && body[i] == ':')
        {
            // the spec runs to the matching '}' and may contain nested fields
            var specStart = i + 1;
            var d = 0;
            i = specStart;
            while (i < body.Length && !(body[i] == '}' && d == 0))
            {
                if (body[i] == '{')
                {
                    d++;
                }
                else if (body[i] == '}')
                {
                    d--;
                }

                i++;
            }

            var specParts = new List<Expr>();
            var lit = new StringBuilder();
            ParseFStringBody(body[specStart..i], raw, tok, specParts, lit, nesting + 1);
            if (lit.Length > 0)
            {
                specParts.Add(At(new Constant(lit.ToString()), tok));
            }

            spec = specParts.Count == 1 && specParts[0] is Constant ? specParts[0] : At(new JoinedStr([.. specParts]), tok);
        }

        if (i >= body.Length || body[i] != '}')
        {
            throw Error("f-string: expecting '}'", tok);
        }

        if (selfDoc.Length > 0)
        {
            parts.Add(At(new Constant(selfDoc), tok));
            if (conv == '\0' && spec == null)
            {
                conv = 'r';
            }
        }

        parts.Add(At(new FormattedValue(expr, conv, spec), tok));
        return i + 1;
    }

    private static void SetPosition(Node n, Token tok)
    {
        var stack = new Stack<Node>();
        stack.Push(n);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            x.Line = tok.Line;
            x.Col = tok.Column;
            var children = x switch
            {
                Expr e => e.Children(),
                Stmt s => s.Children(),
                _ => [],
            };
            foreach (var c in children)
            {
                stack.Push(c);
            }
        }
    }

    public static string DecodeEscapes(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }

            var n = s[++i];
            switch (n)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'x' or 'u' or 'U':
                    {
                        var len = n == 'x' ? 2 : n == 'u' ? 4 : 8;
                        if (i + len < s.Length && int.TryParse(s.AsSpan(i + 1, len), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v) && v <= 0x10FFFF)
                        {
                            sb.Append(char.ConvertFromUtf32(v >= 0xD800 && v <= 0xDFFF ? 0xFFFD : v));
                            i += len;
                        }
                        else
                        {
                            sb.Append('\\').Append(n);
                        }

                        break;
                    }

                case >= '0' and <= '7':
                    {
                        var v = n - '0';
                        for (var k = 0; k < 2 && i + 1 < s.Length && s[i + 1] is >= '0' and <= '7'; k++)
                        {
                            v = (v * 8) + (s[++i] - '0');
                        }

                        sb.Append((char)v);
                        break;
                    }

                default:
                    sb.Append('\\').Append(n);
                    break;
            }
        }

        return sb.ToString();
    }
}
