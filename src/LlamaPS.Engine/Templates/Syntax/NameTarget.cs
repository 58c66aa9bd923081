using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>A plain variable name as an assignment target.</summary>
internal sealed class NameTarget(string name) : AssignTarget
{
    public override void Assign(RenderContext context, TemplateValue value) => context.Scope.Set(name, value);
}
