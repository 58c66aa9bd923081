using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>a if condition else b; without an else part, undefined when the condition is false.</summary>
internal sealed class ConditionalExpression(Expression condition, Expression then, Expression? otherwise, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        if (condition.Evaluate(context).IsTrue) return then.Evaluate(context);
        return otherwise?.Evaluate(context) ?? UndefinedValue.WithHint("the inline if-expression on line " + Line + " evaluated to false and no else section was defined.");
    }
}
