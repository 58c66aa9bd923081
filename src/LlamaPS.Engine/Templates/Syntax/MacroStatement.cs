using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{% macro name(a, b=default) %}body{% endmacro %}: defines the macro in the current scope.</summary>
internal sealed class MacroStatement(string name, IReadOnlyList<KeyValuePair<string, Expression?>> parameters, Block body, int line) : Statement(line)
{
    public string Name { get; } = name;
    public IReadOnlyList<KeyValuePair<string, Expression?>> Parameters { get; } = parameters;
    public Block Body { get; } = body;

    public override Flow Execute(RenderContext context)
    {
        context.Scope.Set(Name, new MacroValue(this, context.Scope));
        return Flow.Normal;
    }
}
