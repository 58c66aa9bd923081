using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>The start:stop:step inside brackets; any part may be left out.</summary>
internal sealed class SliceExpression(Expression? start, Expression? stop, Expression? step, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context) => new SliceValue(
        start?.Evaluate(context) ?? NoneValue.Instance,
        stop?.Evaluate(context) ?? NoneValue.Instance,
        step?.Evaluate(context) ?? NoneValue.Instance);
}
