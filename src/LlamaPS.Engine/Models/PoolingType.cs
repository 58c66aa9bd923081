namespace LlamaPS.Engine.Models;

/// <summary>
/// How a model's per-token hidden states become one embedding, as <c>{arch}.pooling_type</c> declares it; the values
/// are llama.cpp's <c>llama_pooling_type</c>.
/// </summary>
public enum PoolingType
{
    /// <summary>No pooling declared: llama.cpp then returns a vector per token.</summary>
    None = 0,
    /// <summary>The average of every token's state.</summary>
    Mean = 1,
    /// <summary>The first token's state (BERT's [CLS], or BOS).</summary>
    Cls = 2,
    /// <summary>The last token's state: in a causal model, the only one that has attended to the whole text.</summary>
    Last = 3,
    /// <summary>A reranker's relevance score from a classification head over the pooled state.</summary>
    Rank = 4,
}
