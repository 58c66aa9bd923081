namespace LlamaPS.Engine.Models;

/// <summary>
/// The hyperparameters of a llama-architecture model to write with random weights: the shapes of real models, so
/// benchmarks on a synthetic file move the same bytes and do the same arithmetic as on the real one.
/// </summary>
public sealed record SyntheticModelShape(
    string Name,
    int EmbeddingLength,
    int BlockCount,
    int HeadCount,
    int HeadCountKv,
    int FeedForwardLength,
    int VocabSize,
    int ContextLength)
{
    /// <summary>TinyLlama 1.1B: grouped-query attention with 8 query heads per kv head.</summary>
    public static SyntheticModelShape TinyLlama { get; } = new("TinyLlama-1.1B", 2048, 22, 32, 4, 5632, 32000, 2048);

    /// <summary>Llama 2 7B: multi-head attention.</summary>
    public static SyntheticModelShape Llama2_7B { get; } = new("Llama-2-7B", 4096, 32, 32, 32, 11008, 32000, 4096);

    /// <summary>
    /// A few MB, for tests: rows of 256 so the K-quant types fit, grouped-query attention, and 4 layers so the
    /// Q4_K_M mix puts Q4_K on some layers and Q6_K on others.
    /// </summary>
    public static SyntheticModelShape Tiny { get; } = new("Tiny", 256, 4, 4, 2, 512, 512, 512);

    public static IReadOnlyList<SyntheticModelShape> Presets { get; } = [Tiny, TinyLlama, Llama2_7B];

    /// <summary>The preset with this name (case-insensitive); throws ArgumentException naming the presets otherwise.</summary>
    public static SyntheticModelShape FromName(string name) =>
        Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown model shape '{name}' (known: {string.Join(", ", Presets.Select(p => p.Name))}).", nameof(name));

    public int HeadDim => EmbeddingLength / HeadCount;
    public int KvDim => HeadCountKv * HeadDim;

    /// <summary>Throws ArgumentException when the numbers cannot describe a llama model.</summary>
    public void Validate()
    {
        if (EmbeddingLength <= 0 || BlockCount <= 0 || HeadCount <= 0 || HeadCountKv <= 0 || FeedForwardLength <= 0 || ContextLength <= 0)
            throw new ArgumentException($"Shape {Name}: every size must be positive.");
        if (EmbeddingLength % HeadCount != 0 || HeadDim % 2 != 0)
            throw new ArgumentException($"Shape {Name}: embedding length {EmbeddingLength} must split into {HeadCount} heads of even size.");
        if (HeadCount % HeadCountKv != 0)
            throw new ArgumentException($"Shape {Name}: {HeadCount} heads cannot share {HeadCountKv} kv heads.");
        if (VocabSize < SyntheticVocabulary.MinimumSize)
            throw new ArgumentException($"Shape {Name}: the vocabulary needs at least {SyntheticVocabulary.MinimumSize} tokens (specials and the 256 bytes).");
    }
}
