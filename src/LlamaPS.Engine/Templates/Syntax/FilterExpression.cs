using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>value | filter(arguments).</summary>
internal sealed class FilterExpression(Expression input, FilterCall filter, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context) => filter.Apply(input.Evaluate(context), context);
}
