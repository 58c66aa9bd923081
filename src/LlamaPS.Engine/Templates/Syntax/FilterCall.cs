using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>One filter with its written arguments, as in "| indent(4, first=true)"; found when the template was parsed.</summary>
internal sealed class FilterCall(TemplateFilter filter, CallArguments arguments)
{
    public TemplateValue Apply(TemplateValue input, RenderContext context) => filter(input, arguments.Evaluate(context), context);
}
