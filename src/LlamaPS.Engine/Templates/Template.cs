using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Syntax;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates;

/// <summary>
/// A Jinja2 template parsed once and rendered any number of times, as Hugging Face's apply_chat_template renders
/// chat templates with Python's jinja2: trim_blocks and lstrip_blocks on, the loopcontrols extension, an immutable
/// sandbox, undefined values that print as nothing, and Python's semantics for values, operators and methods.
/// Instances are immutable and thread-safe.
/// </summary>
public sealed class Template
{
    private readonly Block _body;

    private Template(string source, Block body)
    {
        Source = source;
        _body = body;
    }

    public string Source { get; }

    /// <summary>Parses a template; throws <see cref="TemplateException"/> for a syntax error or an unsupported construct.</summary>
    public static Template Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Template(source, TemplateParser.Parse(source));
    }

    /// <summary>
    /// Renders with the given variables (strings, numbers, booleans, null, dictionaries, lists or JSON elements;
    /// dictionary keys keep their order). Throws <see cref="TemplateException"/> when rendering fails, e.g. when the
    /// template calls raise_exception.
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?> variables, TemplateRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var arguments = new Scope(TemplateGlobals.Create());
        foreach (var (name, value) in variables) arguments.Set(name, ValueConverter.Convert(value));
        var context = new RenderContext(new Scope(arguments), options ?? new TemplateRenderOptions());
        _body.Execute(context);
        return context.Output.ToString();
    }
}
