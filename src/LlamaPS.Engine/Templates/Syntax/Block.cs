using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>Statements run in order: a template's body, a branch of an if, a loop or macro body.</summary>
internal sealed class Block(IReadOnlyList<Statement> statements)
{
    public IReadOnlyList<Statement> Statements { get; } = statements;

    public Flow Execute(RenderContext context)
    {
        foreach (var statement in Statements)
        {
            Flow flow;
            try
            {
                flow = statement.Execute(context);
            }
            catch (TemplateException e)
            {
                // The innermost statement the error passes through says where it happened.
                e.AtLine(statement.Line);
                throw;
            }
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }
}
