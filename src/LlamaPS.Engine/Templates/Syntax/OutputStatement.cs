using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{{ expression }}: writes the value as Python's str() gives it (undefined writes nothing, none writes "None").</summary>
internal sealed class OutputStatement(Expression expression, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        context.Output.Append(expression.Evaluate(context).ToStr());
        return Flow.Normal;
    }
}
