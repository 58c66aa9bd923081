using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{% if %} ... {% elif %} ... {% else %} ... {% endif %}. Branches share the enclosing scope.</summary>
internal sealed class IfStatement(IReadOnlyList<KeyValuePair<Expression, Block>> branches, Block? otherwise, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        foreach (var (condition, body) in branches)
        {
            if (condition.Evaluate(context).IsTrue) return body.Execute(context);
        }
        return otherwise?.Execute(context) ?? Flow.Normal;
    }
}
