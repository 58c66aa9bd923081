namespace LlamaPS.Engine.Templates;

/// <summary>The parser's cursor over the lexer's tokens, with the expect/skip helpers that report syntax errors.</summary>
internal sealed class TokenStream(List<Token> tokens)
{
    private int _index;

    public Token Current => tokens[_index];

    public Token Peek(int ahead = 1) => tokens[Math.Min(_index + ahead, tokens.Count - 1)];

    public Token Next()
    {
        var token = tokens[_index];
        if (_index < tokens.Count - 1) _index++;
        return token;
    }

    public bool SkipIfOperator(string op)
    {
        if (!Current.IsOperator(op)) return false;
        Next();
        return true;
    }

    public bool SkipIfName(string name)
    {
        if (!Current.IsName(name)) return false;
        Next();
        return true;
    }

    public Token ExpectOperator(string op) =>
        Current.IsOperator(op) ? Next() : throw Unexpected($"'{op}'");

    public Token ExpectName(string? name = null) =>
        Current.Kind == TokenKind.Name && (name is null || Current.Value == name) ? Next() : throw Unexpected(name is null ? "a name" : $"'{name}'");

    public Token Expect(TokenKind kind) =>
        Current.Kind == kind ? Next() : throw Unexpected(new Token(kind, "", 0).Describe());

    public TemplateException Unexpected(string expected) =>
        TemplateException.Syntax($"expected {expected}, got {Current.Describe()}", Current.Line);
}
