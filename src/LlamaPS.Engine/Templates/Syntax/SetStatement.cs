using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{% set target = expression %}: binds in the current scope (inside a loop, only for that iteration).</summary>
internal sealed class SetStatement(AssignTarget target, Expression value, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        target.Assign(context, value.Evaluate(context));
        return Flow.Normal;
    }
}
