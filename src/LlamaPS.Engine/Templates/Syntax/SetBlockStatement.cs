using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{% set name | filters %}body{% endset %}: binds the rendered body, passed through any filters.</summary>
internal sealed class SetBlockStatement(AssignTarget target, IReadOnlyList<FilterCall> filters, Block body, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        TemplateValue value = new StringValue(context.Capture(() => body.Execute(context)));
        foreach (var filter in filters) value = filter.Apply(value, context);
        target.Assign(context, value);
        return Flow.Normal;
    }
}
