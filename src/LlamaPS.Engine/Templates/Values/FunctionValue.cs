using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>A callable implemented here: a global such as range or namespace, or a bound method such as "x".strip.</summary>
internal sealed class FunctionValue(string name, Func<Arguments, RenderContext, TemplateValue> body, string typeName = "builtin_function_or_method") : TemplateValue
{
    public string Name { get; } = name;

    public override string TypeName { get; } = typeName;
    public override bool IsCallable => true;
    public override string Repr() => $"<built-in function {Name}>";
    public override TemplateValue Call(Arguments arguments, RenderContext context) => body(arguments, context);
}
