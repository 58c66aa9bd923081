namespace LlamaPS.Engine.Templates;

/// <summary>
/// What went wrong in a template. The runtime kinds carry the names of the Python exceptions Jinja2 raises in the same
/// situation, so a message can be compared with what Hugging Face's apply_chat_template reports.
/// </summary>
public enum TemplateErrorKind
{
    /// <summary>The template does not parse (Jinja2's TemplateSyntaxError).</summary>
    TemplateSyntaxError,
    /// <summary>The template uses a construct, filter, test or method this renderer does not implement.</summary>
    Unsupported,
    /// <summary>The template called raise_exception(message): the message is the template's own.</summary>
    TemplateError,
    /// <summary>An operation on an undefined value (Jinja2's UndefinedError).</summary>
    UndefinedError,
    TypeError,
    AttributeError,
    ValueError,
    ZeroDivisionError,
    OverflowError,
    /// <summary>A method that would modify a value; Hugging Face's immutable sandbox refuses it.</summary>
    SecurityError,
    /// <summary>A filter given arguments it cannot use (Jinja2's FilterArgumentError).</summary>
    FilterArgumentError,
    /// <summary>Other failures at render time (Jinja2's TemplateRuntimeError), e.g. assigning to a non-namespace.</summary>
    TemplateRuntimeError,
    /// <summary>Macros nested too deeply, usually unbounded recursion.</summary>
    RecursionError,
}
