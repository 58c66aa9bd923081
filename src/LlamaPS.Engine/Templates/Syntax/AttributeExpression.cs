using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>x.name: the attribute, else the item 'name', else undefined (an error only if x itself is undefined).</summary>
internal sealed class AttributeExpression(Expression target, string name, int line) : Expression(line)
{
    public Expression Target { get; } = target;
    public string Name { get; } = name;

    public override TemplateValue Evaluate(RenderContext context) => Target.Evaluate(context).GetAttribute(Name);
}
