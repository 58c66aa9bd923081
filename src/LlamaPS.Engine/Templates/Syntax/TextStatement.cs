using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>Template text outside any tag, copied to the output (after whitespace control was applied by the lexer).</summary>
internal sealed class TextStatement(string text, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        context.Output.Append(text);
        return Flow.Normal;
    }
}
