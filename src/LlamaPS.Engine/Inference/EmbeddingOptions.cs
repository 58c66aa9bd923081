using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Inference;

/// <summary>What one embedding call asks for.</summary>
public sealed record EmbeddingOptions
{
    /// <summary>Mean, Cls or Last instead of what the model declares; null: the model's (see <see cref="TextEmbedder.PoolingFor"/>).</summary>
    public PoolingType? Pooling { get; init; }
    /// <summary>Scale the vector to unit Euclidean length, so that cosine similarity is a dot product.</summary>
    public bool Normalize { get; init; }
    /// <summary>Embed the first tokens that fit the context (keeping the EOS the vocabulary appends) instead of refusing a longer text.</summary>
    public bool Truncate { get; init; }
}
