using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>
/// A frame of variables: the globals and render arguments, the template's own, one per loop iteration, one per macro
/// call. {% set %} writes to the innermost frame, so a set inside a loop is gone after it, as in Jinja2.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private Dictionary<string, TemplateValue>? _variables;

    public Scope? Parent { get; } = parent;

    /// <summary>The nearest frame's value of <paramref name="name"/>, or null when no frame has it.</summary>
    public TemplateValue? Find(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables is not null && scope._variables.TryGetValue(name, out var value)) return value;
        }
        return null;
    }

    public void Set(string name, TemplateValue value) => (_variables ??= new(StringComparer.Ordinal))[name] = value;
}
