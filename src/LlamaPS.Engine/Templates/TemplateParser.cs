using LlamaPS.Engine.Templates.Syntax;

namespace LlamaPS.Engine.Templates;

/// <summary>
/// Builds the statement tree from tokens: text, {{ output }}, and the tags chat templates use (if/elif/else, for
/// with else and loop filters, set in all its forms, macro, filter, with, break/continue, and Hugging Face's
/// generation block). Other Jinja2 tags (include, import, extends, block, call, ...) are reported as unsupported.
/// </summary>
internal sealed class TemplateParser
{
    /// <summary>Jinja2 tags that exist but are not implemented here: they fail as unsupported, not as typos.</summary>
    private static readonly HashSet<string> UnsupportedTags =
    [
        "include", "import", "from", "extends", "block", "call", "autoescape", "trans", "pluralize", "do", "debug",
    ];

    private readonly TokenStream _tokens;
    private readonly ExpressionParser _expressions;
    private int _loopDepth;

    private TemplateParser(List<Token> tokens)
    {
        _tokens = new TokenStream(tokens);
        _expressions = new ExpressionParser(_tokens);
    }

    public static Block Parse(string source)
    {
        var parser = new TemplateParser(TemplateLexer.Tokenize(source));
        return parser.ParseBody(null).Body;
    }

    /// <summary>
    /// Statements up to one of <paramref name="ends"/>' end tags, which is left for the caller (the stream stands on
    /// its name). <paramref name="ends"/> is null for the whole template, which ends at the end of the source.
    /// </summary>
    private (Block Body, string? EndTag) ParseBody((string Opened, int Line, string[] Tags)? ends)
    {
        var statements = new List<Statement>();
        while (true)
        {
            var t = _tokens.Current;
            switch (t.Kind)
            {
                case TokenKind.Text:
                    _tokens.Next();
                    statements.Add(new TextStatement(t.Value, t.Line));
                    break;
                case TokenKind.VariableBegin:
                    _tokens.Next();
                    statements.Add(new OutputStatement(_expressions.ParseTuple(), t.Line));
                    _tokens.Expect(TokenKind.VariableEnd);
                    break;
                case TokenKind.BlockBegin:
                    _tokens.Next();
                    var name = _tokens.Current;
                    if (name.Kind == TokenKind.Name && ends is { } e && e.Tags.Contains(name.Value)) return (new Block(statements), name.Value);
                    ParseTag(statements, ends);
                    break;
                case TokenKind.EndOfTemplate:
                    if (ends is { } open)
                        throw TemplateException.Syntax($"Unexpected end of template. Jinja was looking for the following tags: {Quoted(open.Tags)}. " +
                            $"The innermost block that needs to be closed is '{open.Opened}' (opened on line {open.Line}).", t.Line);
                    return (new Block(statements), null);
                default:
                    throw TemplateException.Syntax($"unexpected {t.Describe()}", t.Line);
            }
        }
    }

    private static string Quoted(string[] tags) => string.Join(" or ", tags.Select(t => $"'{t}'"));

    private void ParseTag(List<Statement> statements, (string Opened, int Line, string[] Tags)? ends)
    {
        var tag = _tokens.ExpectName();
        int line = tag.Line;
        switch (tag.Value)
        {
            case "if":
                statements.Add(ParseIf(line));
                break;
            case "for":
                statements.Add(ParseFor(line));
                break;
            case "set":
                statements.Add(ParseSet(line));
                break;
            case "macro":
                statements.Add(ParseMacro(line));
                break;
            case "filter":
                statements.Add(ParseFilterBlock(line));
                break;
            case "with":
                statements.Add(ParseWith(line));
                break;
            case "break" or "continue":
                if (_loopDepth == 0) throw TemplateException.Syntax($"'{tag.Value}' outside a loop", line);
                _tokens.Expect(TokenKind.BlockEnd);
                statements.Add(new LoopControlStatement(tag.Value == "break" ? Flow.Break : Flow.Continue, line));
                break;
            case "generation":
                // Hugging Face's marker for assistant text (used to build training masks); it renders its body as is.
                _tokens.Expect(TokenKind.BlockEnd);
                statements.AddRange(ParseBlock("generation", line, "endgeneration").Statements);
                break;
            case var other when UnsupportedTags.Contains(other):
                throw TemplateException.Unsupported($"{{% {other} %}}", line);
            default:
                string looking = ends is { } e
                    ? $" Jinja was looking for the following tags: {Quoted(e.Tags)}. The innermost block that needs to be closed is '{e.Opened}'."
                    : "";
                throw TemplateException.Syntax($"Encountered unknown tag '{tag.Value}'.{looking}", line);
        }
    }

    /// <summary>A body that must end with <paramref name="endTag"/>; consumes the end tag.</summary>
    private Block ParseBlock(string opened, int line, string endTag)
    {
        var (body, _) = ParseBody((opened, line, [endTag]));
        _tokens.Next();
        _tokens.Expect(TokenKind.BlockEnd);
        return body;
    }

    private IfStatement ParseIf(int line)
    {
        var branches = new List<KeyValuePair<Expression, Block>>();
        var condition = _expressions.ParseTuple(withCondition: false);
        while (true)
        {
            _tokens.Expect(TokenKind.BlockEnd);
            var (body, end) = ParseBody(("if", line, ["elif", "else", "endif"]));
            branches.Add(KeyValuePair.Create(condition, body));
            _tokens.Next();
            switch (end)
            {
                case "elif":
                    condition = _expressions.ParseTuple(withCondition: false);
                    continue;
                case "else":
                    _tokens.Expect(TokenKind.BlockEnd);
                    var otherwise = ParseBlock("if", line, "endif");
                    return new IfStatement(branches, otherwise, line);
                default:
                    _tokens.Expect(TokenKind.BlockEnd);
                    return new IfStatement(branches, null, line);
            }
        }
    }

    private ForStatement ParseFor(int line)
    {
        var target = ParseTarget("in");
        _tokens.ExpectName("in");
        var iterable = _expressions.ParseTuple(withCondition: false, endNames: ["recursive", "if"]);
        Expression? condition = _tokens.SkipIfName("if") ? _expressions.ParseExpression() : null;
        if (_tokens.Current.IsName("recursive")) throw TemplateException.Unsupported("recursive loops ({% for ... recursive %})", line);
        _tokens.Expect(TokenKind.BlockEnd);
        _loopDepth++;
        var (body, end) = ParseBody(("for", line, ["endfor", "else"]));
        _loopDepth--;
        _tokens.Next();
        _tokens.Expect(TokenKind.BlockEnd);
        Block? otherwise = end == "else" ? ParseBlock("for", line, "endfor") : null;
        return new ForStatement(target, iterable, condition, body, otherwise, line);
    }

    private Statement ParseSet(int line)
    {
        AssignTarget target;
        if (_tokens.Current.Kind == TokenKind.Name && _tokens.Peek().IsOperator(".") && _tokens.Peek(2).Kind == TokenKind.Name)
        {
            string name = _tokens.Next().Value;
            _tokens.Next();
            target = new NamespaceAttributeTarget(name, _tokens.Next().Value);
        }
        else
        {
            target = ParseTarget();
        }
        if (_tokens.SkipIfOperator("="))
        {
            var value = _expressions.ParseTuple();
            _tokens.Expect(TokenKind.BlockEnd);
            return new SetStatement(target, value, line);
        }
        var filters = new List<FilterCall>();
        while (_tokens.SkipIfOperator("|")) filters.Add(_expressions.ParseFilterCall());
        _tokens.Expect(TokenKind.BlockEnd);
        return new SetBlockStatement(target, filters, ParseBlock("set", line, "endset"), line);
    }

    /// <summary>What set/for/with assign to: a name, or names separated by commas (optionally in parentheses).</summary>
    private AssignTarget ParseTarget(params string[] endNames)
    {
        var targets = new List<AssignTarget>();
        bool unpack = false;
        while (true)
        {
            if (_tokens.SkipIfOperator("("))
            {
                targets.Add(_tokens.Current.IsOperator(")") ? new UnpackTarget([]) : ParseTarget());
                _tokens.ExpectOperator(")");
            }
            else
            {
                var name = _tokens.ExpectName();
                if (name.Value is "true" or "false" or "none" or "True" or "False" or "None")
                    throw TemplateException.Syntax($"cannot assign to '{name.Value}'", name.Line);
                targets.Add(new NameTarget(name.Value));
            }
            if (!_tokens.SkipIfOperator(",")) break;
            unpack = true;
            var next = _tokens.Current;
            if (next.Kind is TokenKind.BlockEnd || next.IsOperator("=") || next.IsOperator(")") || (next.Kind == TokenKind.Name && endNames.Contains(next.Value))) break;
        }
        return unpack ? new UnpackTarget(targets) : targets[0];
    }

    private MacroStatement ParseMacro(int line)
    {
        string name = _tokens.ExpectName().Value;
        _tokens.ExpectOperator("(");
        var parameters = new List<KeyValuePair<string, Expression?>>();
        while (!_tokens.Current.IsOperator(")"))
        {
            if (parameters.Count > 0) _tokens.ExpectOperator(",");
            var parameter = _tokens.ExpectName();
            Expression? defaultValue = _tokens.SkipIfOperator("=") ? _expressions.ParseExpression() : null;
            if (defaultValue is null && parameters.Count > 0 && parameters[^1].Value is not null)
                throw TemplateException.Syntax("non-default argument follows default argument", parameter.Line);
            parameters.Add(KeyValuePair.Create(parameter.Value, defaultValue));
        }
        _tokens.ExpectOperator(")");
        _tokens.Expect(TokenKind.BlockEnd);
        // A loop outside the macro is not one break could leave from inside it.
        int loops = _loopDepth;
        _loopDepth = 0;
        var body = ParseBlock("macro", line, "endmacro");
        _loopDepth = loops;
        return new MacroStatement(name, parameters, body, line);
    }

    private FilterBlockStatement ParseFilterBlock(int line)
    {
        var filters = new List<FilterCall> { _expressions.ParseFilterCall() };
        while (_tokens.SkipIfOperator("|")) filters.Add(_expressions.ParseFilterCall());
        _tokens.Expect(TokenKind.BlockEnd);
        return new FilterBlockStatement(filters, ParseBlock("filter", line, "endfilter"), line);
    }

    private WithStatement ParseWith(int line)
    {
        var assignments = new List<KeyValuePair<AssignTarget, Expression>>();
        while (_tokens.Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0) _tokens.ExpectOperator(",");
            var target = ParseTarget();
            _tokens.ExpectOperator("=");
            assignments.Add(KeyValuePair.Create(target, _expressions.ParseExpression()));
        }
        _tokens.Expect(TokenKind.BlockEnd);
        return new WithStatement(assignments, ParseBlock("with", line, "endwith"), line);
    }
}
