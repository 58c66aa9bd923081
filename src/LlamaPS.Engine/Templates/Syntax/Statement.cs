using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>A parsed piece of template: text, an output, or a tag such as if or for. Executing it writes output.</summary>
internal abstract class Statement(int line)
{
    /// <summary>The template line the statement starts on.</summary>
    public int Line { get; } = line;

    /// <summary>Runs the statement; a break or continue inside it is handed up to the enclosing loop.</summary>
    public abstract Flow Execute(RenderContext context);
}
