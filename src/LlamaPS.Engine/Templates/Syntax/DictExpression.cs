using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>A dict literal {'key': value, ...}.</summary>
internal sealed class DictExpression(IReadOnlyList<KeyValuePair<Expression, Expression>> pairs, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context) =>
        new DictValue(pairs.Select(p => KeyValuePair.Create(p.Key.Evaluate(context), p.Value.Evaluate(context))).ToArray());
}
