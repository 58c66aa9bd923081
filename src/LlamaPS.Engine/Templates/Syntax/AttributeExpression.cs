using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>x.name: the attribute, else the item 'name', else undefined (an error only if x itself is undefined).</summary>
internal sealed class AttributeExpression(Expression target, string name, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context) => target.Evaluate(context).GetAttribute(name);
}
