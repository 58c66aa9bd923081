using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// One text's embedding: the vector [dim], the tokens it was computed from (after truncation, if any), how the
/// tokens' states were pooled, and whether the vector was scaled to unit length.
/// </summary>
public sealed record TextEmbedding(string Text, float[] Vector, int TokenCount, PoolingType Pooling, bool Normalized, bool Truncated)
{
    public int Dimensions => Vector.Length;
}
