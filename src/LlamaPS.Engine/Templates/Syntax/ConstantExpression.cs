using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>A literal: 'text', 42, 1.5, true, none.</summary>
internal sealed class ConstantExpression(TemplateValue value, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context) => value;
}
