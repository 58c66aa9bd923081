using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>not x, -x, +x.</summary>
internal sealed class UnaryExpression(string op, Expression operand, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        var value = operand.Evaluate(context);
        return op switch
        {
            "not" => BooleanValue.Of(!value.IsTrue),
            "-" => Operators.Negate(value),
            _ => Operators.Plus(value),
        };
    }
}
