using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>
/// A chain of comparisons, a &lt; b &lt;= c, true when every link holds (each operand evaluated at most once, stopping
/// at the first false link, as in Python). Links are ==, !=, &lt;, &lt;=, &gt;, &gt;=, in and "not in".
/// </summary>
internal sealed class ComparisonExpression(Expression first, IReadOnlyList<KeyValuePair<string, Expression>> links, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        var left = first.Evaluate(context);
        foreach (var (op, operand) in links)
        {
            var right = operand.Evaluate(context);
            bool holds = op switch
            {
                "in" => Operators.Contains(right, left),
                "notin" => !Operators.Contains(right, left),
                _ => Operators.Compare(op, left, right),
            };
            if (!holds) return BooleanValue.False;
            left = right;
        }
        return BooleanValue.True;
    }
}
