using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>What {% set %}, {% for %} and {% with %} assign to: a name, names to unpack into, or ns.attribute.</summary>
internal abstract class AssignTarget
{
    /// <summary>Binds <paramref name="value"/> in the context's current scope.</summary>
    public abstract void Assign(RenderContext context, TemplateValue value);
}
