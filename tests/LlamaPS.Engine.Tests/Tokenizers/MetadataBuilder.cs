using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>Builds small in-memory GGUF metadata for vocabulary edge cases that no real file has.</summary>
internal sealed class MetadataBuilder
{
    private readonly Dictionary<string, object> _values = new();
    private readonly List<string> _order = new();

    /// <summary>A llama (SentencePiece) vocabulary of <paramref name="tokens"/>, all normal with score 0 unless set.</summary>
    public static MetadataBuilder Llama(params string[] tokens) =>
        new MetadataBuilder().Set("tokenizer.ggml.model", "llama").Set("tokenizer.ggml.tokens", Array(GgufValueType.String, tokens));

    /// <summary>A byte-level BPE vocabulary of <paramref name="tokens"/> (written in GPT-2's byte alphabet) under the pre-tokenizer <paramref name="pre"/>.</summary>
    public static MetadataBuilder Gpt2(string pre, params string[] tokens) =>
        new MetadataBuilder().Set("tokenizer.ggml.model", "gpt2").Set("tokenizer.ggml.pre", pre)
            .Set("tokenizer.ggml.tokens", Array(GgufValueType.String, tokens));

    public MetadataBuilder Set(string key, object value)
    {
        if (!_values.ContainsKey(key)) _order.Add(key);
        _values[key] = value;
        return this;
    }

    public MetadataBuilder Remove(string key)
    {
        _values.Remove(key);
        _order.Remove(key);
        return this;
    }

    public MetadataBuilder Scores(params float[] scores) => Set("tokenizer.ggml.scores", Array(GgufValueType.Float32, scores));

    public MetadataBuilder Merges(params string[] merges) => Set("tokenizer.ggml.merges", Array(GgufValueType.String, merges));

    public MetadataBuilder Types(params int[] types) => Set("tokenizer.ggml.token_type", Array(GgufValueType.Int32, types));

    public GgufMetadata Build() => new(new Dictionary<string, object>(_values), new List<string>(_order));

    public static GgufArray Array(GgufValueType type, System.Array items) => new(type, items);
}
