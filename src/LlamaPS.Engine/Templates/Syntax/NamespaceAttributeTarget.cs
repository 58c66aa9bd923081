using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>ns.attribute as an assignment target, only on a namespace() object: how templates carry values out of loops.</summary>
internal sealed class NamespaceAttributeTarget(string name, string attribute) : AssignTarget
{
    public override void Assign(RenderContext context, TemplateValue value)
    {
        if (context.Lookup(name) is not NamespaceValue ns)
            throw new TemplateException(TemplateErrorKind.TemplateRuntimeError, "cannot assign attribute on non-namespace object");
        ns.Set(attribute, value);
    }
}
