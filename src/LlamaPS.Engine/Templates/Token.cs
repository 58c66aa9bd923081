namespace LlamaPS.Engine.Templates;

/// <summary>One token: its kind, its text (a string literal's resolved value; a number's digits) and its line.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Line)
{
    public bool IsName(string name) => Kind == TokenKind.Name && Value == name;

    public bool IsOperator(string op) => Kind == TokenKind.Operator && Value == op;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.EndOfTemplate => "end of template",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.String => $"string '{Value}'",
        TokenKind.Text => "template text",
        _ => $"'{Value}'",
    };
}
