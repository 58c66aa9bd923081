using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>The hyperparameters of a decoder-only transformer, read from the <c>{architecture}.*</c> metadata keys.</summary>
public sealed record ModelConfig
{
    public required string Architecture { get; init; }
    public required int EmbeddingLength { get; init; }      // dim
    public required int BlockCount { get; init; }           // layers
    public required int HeadCount { get; init; }
    public required int HeadCountKv { get; init; }          // grouped-query attention: heads share kv heads
    public required int HeadDim { get; init; }
    public required int FeedForwardLength { get; init; }    // hidden dim of the SwiGLU
    public required int VocabSize { get; init; }
    public required int TrainingContextLength { get; init; }
    public required int RopeDimensions { get; init; }
    public required float RopeFreqBase { get; init; }
    public required bool RopeNeox { get; init; }
    public required float RmsEpsilon { get; init; }
    public required bool HasQkvBias { get; init; }

    public int QueryDim => HeadCount * HeadDim;
    public int KvDim => HeadCountKv * HeadDim;

    /// <summary>The architectures this engine runs, with what differs between them.</summary>
    public static IReadOnlyCollection<string> SupportedArchitectures { get; } = ["llama", "qwen2"];

    public static ModelConfig FromGguf(GgufFile file, int vocabSize)
    {
        GgufMetadata m = file.Metadata;
        string arch = m.GetString("general.architecture")
            ?? throw new UnsupportedModelException(file.Path, UnsupportedFeature.Architecture, "", "general.architecture is missing: not a model file.");
        if (!SupportedArchitectures.Contains(arch))
            throw new UnsupportedModelException(file.Path, UnsupportedFeature.Architecture, arch,
                $"architecture '{arch}' is not supported (supported: {string.Join(", ", SupportedArchitectures)}).");

        int Required(string key) => m.GetInt32($"{arch}.{key}") is int v && v > 0
            ? v : throw new InvalidDataException($"{file.Path}: metadata '{arch}.{key}' is missing or not positive.");

        int dim = Required("embedding_length");
        int heads = Required("attention.head_count");
        int kvHeads = m.GetInt32($"{arch}.attention.head_count_kv") ?? heads;
        int headDim = m.GetInt32($"{arch}.attention.key_length") ?? dim / heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw new InvalidDataException($"{file.Path}: {heads} attention heads cannot share {kvHeads} kv heads.");
        if (dim % heads != 0 && m.GetInt32($"{arch}.attention.key_length") is null)
            throw new InvalidDataException($"{file.Path}: embedding length {dim} is not divisible by {heads} heads.");

        int ropeDims = m.GetInt32($"{arch}.rope.dimension_count") ?? headDim;
        if (ropeDims <= 0 || ropeDims > headDim || ropeDims % 2 != 0)
            throw new InvalidDataException($"{file.Path}: rope dimension count {ropeDims} does not fit head size {headDim}.");

        return new ModelConfig
        {
            Architecture = arch,
            EmbeddingLength = dim,
            BlockCount = Required("block_count"),
            HeadCount = heads,
            HeadCountKv = kvHeads,
            HeadDim = headDim,
            FeedForwardLength = Required("feed_forward_length"),
            VocabSize = vocabSize,
            TrainingContextLength = Required("context_length"),
            RopeDimensions = ropeDims,
            RopeFreqBase = (float)(m.GetFloat($"{arch}.rope.freq_base") ?? 10000.0),
            RopeNeox = arch == "qwen2",
            RmsEpsilon = (float)(m.GetFloat($"{arch}.attention.layer_norm_rms_epsilon") ?? 1e-5),
            HasQkvBias = arch == "qwen2",
        };
    }
}
