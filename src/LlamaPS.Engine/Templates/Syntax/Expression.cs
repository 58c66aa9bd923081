using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>A parsed expression; evaluating it gives a value.</summary>
internal abstract class Expression(int line)
{
    /// <summary>The template line the expression starts on.</summary>
    public int Line { get; } = line;

    public abstract TemplateValue Evaluate(RenderContext context);
}
