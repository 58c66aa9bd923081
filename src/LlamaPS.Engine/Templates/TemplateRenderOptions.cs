namespace LlamaPS.Engine.Templates;

/// <summary>Settings of one rendering that are not template variables.</summary>
public sealed record TemplateRenderOptions
{
    /// <summary>The clock strftime_now() reads; the local time by default, as in Hugging Face transformers.</summary>
    public Func<DateTime> Now { get; init; } = () => DateTime.Now;
}
