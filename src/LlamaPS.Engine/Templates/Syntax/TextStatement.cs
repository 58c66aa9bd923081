using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>Template text outside any tag, copied to the output (after whitespace control was applied by the lexer).</summary>
internal sealed class TextStatement(string text, int line) : Statement(line)
{
    public string Text { get; } = text;

    public override Flow Execute(RenderContext context)
    {
        context.Output.Append(Text);
        return Flow.Normal;
    }
}
