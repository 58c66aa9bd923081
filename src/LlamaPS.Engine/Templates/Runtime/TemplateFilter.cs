using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>A filter (value | name(arguments)): gets the value and the call's arguments, gives the result.</summary>
internal delegate TemplateValue TemplateFilter(TemplateValue input, Arguments arguments, RenderContext context);
