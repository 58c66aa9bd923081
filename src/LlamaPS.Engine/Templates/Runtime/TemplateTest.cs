using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>A test (value is name(arguments)): gets the value and the call's arguments, answers yes or no.</summary>
internal delegate bool TemplateTest(TemplateValue input, Arguments arguments, RenderContext context);
