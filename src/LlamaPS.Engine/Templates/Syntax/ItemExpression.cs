using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>x[key] or x[start:stop:step]: the item, else (for a string key) the attribute, else undefined.</summary>
internal sealed class ItemExpression(Expression target, Expression key, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        var value = target.Evaluate(context);
        return value.GetItem(key.Evaluate(context));
    }
}
