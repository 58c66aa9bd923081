using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>A variable; undefined (not an error) when no scope has it.</summary>
internal sealed class NameExpression(string name, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context) => context.Lookup(name);
}
