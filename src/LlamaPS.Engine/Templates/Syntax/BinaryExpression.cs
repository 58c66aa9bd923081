using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>An arithmetic or concatenation operator: + - * / // % ** ~.</summary>
internal sealed class BinaryExpression : Expression
{
    private readonly Expression _left, _right;
    private readonly Func<TemplateValue, TemplateValue, TemplateValue> _apply;

    public BinaryExpression(string op, Expression left, Expression right, int line)
        : base(line)
    {
        (_left, _right) = (left, right);
        _apply = op switch
        {
            "+" => Operators.Add,
            "-" => Operators.Subtract,
            "*" => Operators.Multiply,
            "/" => Operators.Divide,
            "//" => Operators.FloorDivide,
            "%" => Operators.Modulo,
            "**" => Operators.Power,
            "~" => Operators.Concat,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a binary operator."),
        };
    }

    public override TemplateValue Evaluate(RenderContext context)
    {
        // Long chains (a ~ b ~ c ...) nest to the left; evaluating one recurses once per operator.
        RenderContext.EnsureStack();
        var left = _left.Evaluate(context);
        return _apply(left, _right.Evaluate(context));
    }
}
