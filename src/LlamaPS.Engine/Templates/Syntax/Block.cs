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
            catch (TemplateException e) when (RecordLine(e, statement.Line))
            {
                // Not reached: RecordLine returns false, so the error passes on untouched. Recording the line in the
                // filter, before any unwinding, spares a catch-and-rethrow at every level, which costs stack that
                // deep macro recursion does not have.
                throw;
            }
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    /// <summary>Gives the error the line of the innermost statement it passes through (the first to see it).</summary>
    private static bool RecordLine(TemplateException e, int line)
    {
        e.AtLine(line);
        return false;
    }
}
