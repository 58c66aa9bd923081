using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>a and b, a or b: short-circuit, and the result is one of the operands, as in Python.</summary>
internal sealed class LogicalExpression(bool isAnd, Expression left, Expression right, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        var value = left.Evaluate(context);
        return value.IsTrue == isAnd ? right.Evaluate(context) : value;
    }
}
