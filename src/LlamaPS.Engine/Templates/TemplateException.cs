namespace LlamaPS.Engine.Templates;

/// <summary>
/// A template that does not parse, uses something unsupported, or fails while rendering. <see cref="Exception.Message"/>
/// is the error itself (for raise_exception, exactly the template's message); <see cref="Line"/> says where.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(TemplateErrorKind kind, string message, int? line = null)
        : base(message)
    {
        Kind = kind;
        Line = line;
    }

    public TemplateErrorKind Kind { get; }

    /// <summary>The 1-based template line of the failing statement, when known.</summary>
    public int? Line { get; private set; }

    /// <summary>Whether the template itself is at fault before rendering (syntax or unsupported construct).</summary>
    public bool IsCompileError => Kind is TemplateErrorKind.TemplateSyntaxError or TemplateErrorKind.Unsupported;

    /// <summary>Records the line of the statement the error passed through, unless a deeper one already did.</summary>
    internal TemplateException AtLine(int line)
    {
        Line ??= line;
        return this;
    }

    internal static TemplateException Syntax(string message, int line) =>
        new(TemplateErrorKind.TemplateSyntaxError, $"{message} (line {line})", line);

    internal static TemplateException Unsupported(string construct, int line) =>
        new(TemplateErrorKind.Unsupported, $"Unsupported template construct: {construct} (line {line}).", line);

    internal static TemplateException Type(string message) => new(TemplateErrorKind.TypeError, message);
}
