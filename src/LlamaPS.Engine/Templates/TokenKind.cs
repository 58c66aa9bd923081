namespace LlamaPS.Engine.Templates;

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind
{
    /// <summary>Template text outside tags, already trimmed by whitespace control.</summary>
    Text,
    /// <summary>{{</summary>
    VariableBegin,
    /// <summary>}}</summary>
    VariableEnd,
    /// <summary>{%</summary>
    BlockBegin,
    /// <summary>%}</summary>
    BlockEnd,
    Name,
    /// <summary>A string literal; the token's value is the text with escapes resolved.</summary>
    String,
    Integer,
    Float,
    /// <summary>Punctuation such as + == ( [ | ~ .</summary>
    Operator,
    EndOfTemplate,
}
