using System.Globalization;
using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Syntax;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates;

/// <summary>
/// Parses expressions with Jinja2's grammar and precedence, loosest first: "a if c else b", or, and, not,
/// comparisons (chained; in, not in), + -, ~, * / // %, ** (left-associative, as in Jinja2), unary - +, then
/// postfix .name [key] (call), and filters | and tests "is", which bind tighter than every operator.
/// </summary>
internal sealed class ExpressionParser(TokenStream tokens)
{
    // Far beyond any real template; keeps a pathological one from exhausting the stack.
    private const int MaxNesting = 200;

    private static readonly HashSet<string> ComparisonOperators = ["==", "!=", "<", "<=", ">", ">="];

    private int _nesting;

    public Expression ParseExpression(bool withCondition = true) => withCondition ? ParseConditional() : ParseOr();

    /// <summary>
    /// An expression, or several separated by commas, which make a tuple ({{ a, b }}, {% set x = 1, 2 %}). The list
    /// ends at the tag's end, a closing parenthesis, or a name in <paramref name="endNames"/>.
    /// </summary>
    public Expression ParseTuple(bool withCondition = true, bool explicitParentheses = false, params string[] endNames)
    {
        int line = tokens.Current.Line;
        var items = new List<Expression>();
        bool isTuple = false;
        while (true)
        {
            if (items.Count > 0) tokens.ExpectOperator(",");
            if (IsTupleEnd(endNames)) break;
            items.Add(ParseExpression(withCondition));
            if (tokens.Current.IsOperator(",")) isTuple = true;
            else break;
        }
        if (!isTuple)
        {
            if (items.Count > 0) return items[0];
            if (!explicitParentheses) throw tokens.Unexpected("an expression");
        }
        return new ListExpression(items, tuple: true, line);
    }

    private bool IsTupleEnd(string[] endNames)
    {
        var t = tokens.Current;
        if (t.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd || t.IsOperator(")")) return true;
        return t.Kind == TokenKind.Name && endNames.Contains(t.Value);
    }

    private Expression ParseConditional()
    {
        var expression = ParseOr();
        while (tokens.Current.IsName("if"))
        {
            int line = tokens.Next().Line;
            var condition = ParseOr();
            Expression? otherwise = tokens.SkipIfName("else") ? ParseConditional() : null;
            expression = new ConditionalExpression(condition, expression, otherwise, line);
        }
        return expression;
    }

    private Expression ParseOr() => ParseLogical(ParseAnd, "or");

    private Expression ParseAnd() => ParseLogical(ParseNot, "and");

    private Expression ParseLogical(Func<Expression> operand, string keyword)
    {
        var left = operand();
        while (tokens.Current.IsName(keyword))
        {
            int line = tokens.Next().Line;
            left = new LogicalExpression(isAnd: keyword == "and", left, operand(), line);
        }
        return left;
    }

    private Expression ParseNot()
    {
        if (!tokens.Current.IsName("not")) return ParseComparison();
        int line = tokens.Next().Line;
        return Nested(() => new UnaryExpression("not", ParseNot(), line));
    }

    private Expression ParseComparison()
    {
        int line = tokens.Current.Line;
        var first = ParseSum();
        var links = new List<KeyValuePair<string, Expression>>();
        while (true)
        {
            var t = tokens.Current;
            if (t.Kind == TokenKind.Operator && ComparisonOperators.Contains(t.Value))
            {
                tokens.Next();
                links.Add(KeyValuePair.Create(t.Value, ParseSum()));
            }
            else if (t.IsName("in"))
            {
                tokens.Next();
                links.Add(KeyValuePair.Create("in", ParseSum()));
            }
            else if (t.IsName("not") && tokens.Peek().IsName("in"))
            {
                tokens.Next();
                tokens.Next();
                links.Add(KeyValuePair.Create("notin", ParseSum()));
            }
            else break;
        }
        return links.Count == 0 ? first : new ComparisonExpression(first, links, line);
    }

    private Expression ParseSum() => ParseBinary(ParseConcat, "+", "-");

    private Expression ParseConcat() => ParseBinary(ParseProduct, "~");

    private Expression ParseProduct() => ParseBinary(ParsePower, "*", "/", "//", "%");

    private Expression ParsePower() => ParseBinary(() => ParseUnary(), "**");

    private Expression ParseBinary(Func<Expression> operand, params string[] operators)
    {
        var left = operand();
        while (tokens.Current.Kind == TokenKind.Operator && operators.Contains(tokens.Current.Value))
        {
            var op = tokens.Next();
            left = new BinaryExpression(op.Value, left, operand(), op.Line);
        }
        return left;
    }

    private Expression ParseUnary(bool withFilters = true)
    {
        var t = tokens.Current;
        Expression node;
        if (t.IsOperator("-") || t.IsOperator("+"))
        {
            tokens.Next();
            node = Nested(() => new UnaryExpression(t.Value, ParseUnary(withFilters: false), t.Line));
        }
        else
        {
            node = ParsePrimary();
        }
        node = ParsePostfix(node);
        return withFilters ? ParseFiltersAndTests(node) : node;
    }

    private Expression ParsePrimary()
    {
        var t = tokens.Current;
        switch (t.Kind)
        {
            case TokenKind.Name:
                tokens.Next();
                return t.Value switch
                {
                    "true" or "True" => new ConstantExpression(BooleanValue.True, t.Line),
                    "false" or "False" => new ConstantExpression(BooleanValue.False, t.Line),
                    "none" or "None" => new ConstantExpression(NoneValue.Instance, t.Line),
                    _ => new NameExpression(t.Value, t.Line),
                };
            case TokenKind.String:
                string text = tokens.Next().Value;
                // Adjacent literals join: 'a' 'b' is 'ab'.
                while (tokens.Current.Kind == TokenKind.String) text += tokens.Next().Value;
                return new ConstantExpression(new StringValue(text), t.Line);
            case TokenKind.Integer:
                tokens.Next();
                return new ConstantExpression(IntegerValue.Of(ParseInteger(t)), t.Line);
            case TokenKind.Float:
                tokens.Next();
                return new ConstantExpression(new FloatValue(double.Parse(t.Value.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture)), t.Line);
            case TokenKind.Operator when t.Value == "(":
                tokens.Next();
                var inner = Nested(() => ParseTuple(explicitParentheses: true));
                tokens.ExpectOperator(")");
                return inner;
            case TokenKind.Operator when t.Value == "[":
                tokens.Next();
                var items = Nested(() => ParseSequence("]", () => ParseExpression()));
                return new ListExpression(items, tuple: false, t.Line);
            case TokenKind.Operator when t.Value == "{":
                tokens.Next();
                var pairs = Nested(() => ParseSequence("}", () =>
                {
                    var key = ParseExpression();
                    tokens.ExpectOperator(":");
                    return KeyValuePair.Create(key, ParseExpression());
                }));
                return new DictExpression(pairs, t.Line);
            default:
                throw TemplateException.Syntax($"unexpected {t.Describe()}", t.Line);
        }
    }

    private static long ParseInteger(Token t)
    {
        string digits = t.Value.Replace("_", "");
        int radix = digits.Length > 1 && digits[0] == '0' ? char.ToLowerInvariant(digits[1]) switch { 'x' => 16, 'o' => 8, 'b' => 2, _ => 10 } : 10;
        try
        {
            return radix == 10 ? long.Parse(digits, CultureInfo.InvariantCulture) : Convert.ToInt64(digits[2..], radix);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw TemplateException.Syntax($"bad integer literal '{t.Value}' (this renderer holds integers in 64 bits)", t.Line);
        }
    }

    /// <summary>Comma-separated items up to <paramref name="close"/>, a trailing comma allowed.</summary>
    private List<T> ParseSequence<T>(string close, Func<T> item)
    {
        var items = new List<T>();
        while (!tokens.Current.IsOperator(close))
        {
            if (items.Count > 0)
            {
                tokens.ExpectOperator(",");
                if (tokens.Current.IsOperator(close)) break;
            }
            items.Add(item());
        }
        tokens.ExpectOperator(close);
        return items;
    }

    private Expression ParsePostfix(Expression node)
    {
        while (true)
        {
            var t = tokens.Current;
            if (t.IsOperator("."))
            {
                tokens.Next();
                var attribute = tokens.Current;
                if (attribute.Kind == TokenKind.Name) node = new AttributeExpression(node, tokens.Next().Value, t.Line);
                else if (attribute.Kind == TokenKind.Integer) node = new ItemExpression(node, new ConstantExpression(IntegerValue.Of(ParseInteger(tokens.Next())), t.Line), t.Line);
                else throw tokens.Unexpected("an attribute name");
            }
            else if (t.IsOperator("["))
            {
                tokens.Next();
                var keys = Nested(() => ParseSequence("]", ParseSubscript));
                if (keys.Count == 0) throw TemplateException.Syntax("expected a subscript, got ']'", t.Line);
                node = new ItemExpression(node, keys.Count == 1 ? keys[0] : new ListExpression(keys, tuple: true, t.Line), t.Line);
            }
            else if (t.IsOperator("("))
            {
                node = new CallExpression(node, ParseCallArguments(), t.Line);
            }
            else return node;
        }
    }

    /// <summary>One subscript: an expression or a slice start:stop:step with any part left out.</summary>
    private Expression ParseSubscript()
    {
        int line = tokens.Current.Line;
        Expression? start = null;
        if (!tokens.Current.IsOperator(":"))
        {
            start = ParseExpression();
            if (!tokens.Current.IsOperator(":")) return start;
        }
        tokens.ExpectOperator(":");
        Expression? stop = IsSliceEnd() ? null : ParseExpression();
        Expression? step = null;
        if (tokens.SkipIfOperator(":") && !IsSliceEnd()) step = ParseExpression();
        return new SliceExpression(start, stop, step, line);
    }

    private bool IsSliceEnd() => tokens.Current.IsOperator("]") || tokens.Current.IsOperator(",") || tokens.Current.IsOperator(":");

    /// <summary>(a, b, key=c, *rest, **named) from the opening parenthesis on.</summary>
    public CallArguments ParseCallArguments()
    {
        tokens.ExpectOperator("(");
        var positional = new List<Expression>();
        var keywords = new List<KeyValuePair<string, Expression>>();
        Expression? star = null, starStar = null;
        bool first = true;
        while (!tokens.Current.IsOperator(")"))
        {
            if (!first)
            {
                tokens.ExpectOperator(",");
                if (tokens.Current.IsOperator(")")) break;
            }
            first = false;
            var t = tokens.Current;
            if (tokens.SkipIfOperator("*")) star = ParseExpression();
            else if (tokens.SkipIfOperator("**")) starStar = ParseExpression();
            else if (t.Kind == TokenKind.Name && tokens.Peek().IsOperator("="))
            {
                tokens.Next();
                tokens.Next();
                keywords.Add(KeyValuePair.Create(t.Value, ParseExpression()));
            }
            else
            {
                if (keywords.Count > 0 || starStar is not null) throw TemplateException.Syntax("positional argument follows keyword argument", t.Line);
                positional.Add(ParseExpression());
            }
        }
        tokens.ExpectOperator(")");
        return new CallArguments(positional, keywords, star, starStar);
    }

    private Expression ParseFiltersAndTests(Expression node)
    {
        while (true)
        {
            var t = tokens.Current;
            if (t.IsOperator("|"))
            {
                tokens.Next();
                node = new FilterExpression(node, ParseFilterCall(), t.Line);
            }
            else if (t.IsName("is"))
            {
                tokens.Next();
                node = ParseTest(node, t.Line);
            }
            else if (t.IsOperator("("))
            {
                node = new CallExpression(node, ParseCallArguments(), t.Line);
            }
            else return node;
        }
    }

    /// <summary>A filter's name and arguments, after the "|" (or in {% filter %} and {% set x | f %}).</summary>
    public FilterCall ParseFilterCall()
    {
        var name = tokens.ExpectName();
        string fullName = DottedName(name.Value);
        var filter = TemplateFilters.Find(fullName) ?? throw TemplateException.Unsupported($"the filter '{fullName}'", name.Line);
        var arguments = tokens.Current.IsOperator("(") ? ParseCallArguments() : CallArguments.None;
        return new FilterCall(filter, arguments);
    }

    private Expression ParseTest(Expression node, int line)
    {
        bool negated = tokens.SkipIfName("not");
        var name = tokens.ExpectName();
        string fullName = DottedName(name.Value);
        var test = TemplateTests.Find(fullName) ?? throw TemplateException.Unsupported($"the test '{fullName}'", name.Line);
        CallArguments arguments;
        var t = tokens.Current;
        if (t.IsOperator("("))
        {
            arguments = ParseCallArguments();
        }
        else if ((t.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float || t.IsOperator("[") || t.IsOperator("{"))
            && !(t.IsName("else") || t.IsName("or") || t.IsName("and")))
        {
            // "x is divisibleby 3", "x is sameas none": one argument without parentheses.
            arguments = new CallArguments([ParsePostfix(ParsePrimary())], []);
        }
        else
        {
            arguments = CallArguments.None;
        }
        return new TestExpression(node, test, arguments, negated, line);
    }

    private string DottedName(string first)
    {
        string name = first;
        while (tokens.Current.IsOperator(".") && tokens.Peek().Kind == TokenKind.Name)
        {
            tokens.Next();
            name += "." + tokens.Next().Value;
        }
        return name;
    }

    private T Nested<T>(Func<T> parse)
    {
        if (++_nesting > MaxNesting) throw TemplateException.Syntax("expression nested too deeply", tokens.Current.Line);
        try
        {
            return parse();
        }
        finally
        {
            _nesting--;
        }
    }
}
