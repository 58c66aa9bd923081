using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{% with a = x, b = y %}body{% endwith %}: the body runs in a scope of its own with those variables.</summary>
internal sealed class WithStatement(IReadOnlyList<KeyValuePair<AssignTarget, Expression>> assignments, Block body, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        var values = assignments.Select(a => a.Value.Evaluate(context)).ToList();
        return context.InScope(new Scope(context.Scope), () =>
        {
            for (int i = 0; i < values.Count; i++) assignments[i].Key.Assign(context, values[i]);
            return body.Execute(context);
        });
    }
}
