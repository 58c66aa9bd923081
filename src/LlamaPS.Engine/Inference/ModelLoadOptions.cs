namespace LlamaPS.Engine.Inference;

/// <summary>How a model is loaded; part of the model cache's key.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Positions the KV cache holds; 0 takes the model's training context, capped at <see cref="DefaultMaxContext"/>.</summary>
    public int ContextLength { get; init; }
    /// <summary>CPU threads; 0 uses every core.</summary>
    public int Threads { get; init; }

    public const int DefaultMaxContext = 4096;
}
