using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{% filter trim %}body{% endfilter %}: writes the rendered body passed through the filters.</summary>
internal sealed class FilterBlockStatement(IReadOnlyList<FilterCall> filters, Block body, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        TemplateValue value = new StringValue(context.Capture(() => body.Execute(context)));
        foreach (var filter in filters) value = filter.Apply(value, context);
        context.Output.Append(value.ToStr());
        return Flow.Normal;
    }
}
