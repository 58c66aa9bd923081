using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>Several targets filled from one iterable value, as Python unpacks "for key, value in pairs".</summary>
internal sealed class UnpackTarget(IReadOnlyList<AssignTarget> targets) : AssignTarget
{
    public override void Assign(RenderContext context, TemplateValue value)
    {
        var items = (value.Iterate() ?? throw TemplateException.Type($"cannot unpack non-iterable {value.TypeName} object")).Take(targets.Count + 1).ToList();
        if (items.Count < targets.Count)
            throw new TemplateException(TemplateErrorKind.ValueError, $"not enough values to unpack (expected {targets.Count}, got {items.Count})");
        if (items.Count > targets.Count)
            throw new TemplateException(TemplateErrorKind.ValueError, $"too many values to unpack (expected {targets.Count})");
        for (int i = 0; i < targets.Count; i++) targets[i].Assign(context, items[i]);
    }
}
