using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// The model's tensors by role, with shapes checked against the config: TokenEmbedding [vocab, dim],
/// OutputNorm [dim], Output [vocab, dim] (the embedding itself when the model ties them), and the blocks.
/// </summary>
public sealed class ModelTensors
{
    private ModelTensors(GgufTensorInfo tokenEmbedding, GgufTensorInfo outputNorm, GgufTensorInfo output, IReadOnlyList<LayerTensors> layers)
    {
        TokenEmbedding = tokenEmbedding;
        OutputNorm = outputNorm;
        Output = output;
        Layers = layers;
    }

    public GgufTensorInfo TokenEmbedding { get; }
    public GgufTensorInfo OutputNorm { get; }
    public GgufTensorInfo Output { get; }
    public IReadOnlyList<LayerTensors> Layers { get; }

    public static ModelTensors FromGguf(GgufFile file, ModelConfig c)
    {
        int dim = c.EmbeddingLength;
        GgufTensorInfo Get(string name, params long[] shape)
        {
            var t = file.FindTensor(name)
                ?? throw new UnsupportedModelException(file.Path, UnsupportedFeature.Tensor, name, $"tensor '{name}' is missing.");
            Check(file, t, shape);
            return t;
        }
        GgufTensorInfo? Optional(string name, params long[] shape)
        {
            var t = file.FindTensor(name);
            if (t is not null) Check(file, t, shape);
            return t;
        }

        var embedding = Get("token_embd.weight", dim, c.VocabSize);
        var output = Optional("output.weight", dim, c.VocabSize) ?? embedding;
        var layers = new LayerTensors[c.BlockCount];
        for (int l = 0; l < layers.Length; l++)
        {
            string p = $"blk.{l}.";
            layers[l] = new LayerTensors(
                Get(p + "attn_norm.weight", dim),
                Get(p + "attn_q.weight", dim, c.QueryDim),
                Get(p + "attn_k.weight", dim, c.KvDim),
                Get(p + "attn_v.weight", dim, c.KvDim),
                Get(p + "attn_output.weight", c.QueryDim, dim),
                c.HasQkvBias ? Get(p + "attn_q.bias", c.QueryDim) : Optional(p + "attn_q.bias", c.QueryDim),
                c.HasQkvBias ? Get(p + "attn_k.bias", c.KvDim) : Optional(p + "attn_k.bias", c.KvDim),
                c.HasQkvBias ? Get(p + "attn_v.bias", c.KvDim) : Optional(p + "attn_v.bias", c.KvDim),
                Get(p + "ffn_norm.weight", dim),
                Get(p + "ffn_gate.weight", dim, c.FeedForwardLength),
                Get(p + "ffn_up.weight", dim, c.FeedForwardLength),
                Get(p + "ffn_down.weight", c.FeedForwardLength, dim));
        }
        return new ModelTensors(embedding, Get("output_norm.weight", dim), output, layers);
    }

    private static void Check(GgufFile file, GgufTensorInfo t, long[] shape)
    {
        if (!t.Dimensions.SequenceEqual(shape))
            throw new InvalidDataException($"{file.Path}: tensor '{t.Name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{string.Join(", ", shape)}].");
        // Norms and biases are added element-wise in f32.
        if (shape.Length == 1 && t.Type != GgmlType.F32)
            throw new UnsupportedModelException(file.Path, UnsupportedFeature.TensorType, t.Type.ToString(),
                $"tensor '{t.Name}' is {t.Type}; vectors (norms, biases) must be F32.");
    }

    /// <summary>Every distinct tensor in the model, the tied output counted once.</summary>
    public IEnumerable<GgufTensorInfo> All()
    {
        yield return TokenEmbedding;
        yield return OutputNorm;
        if (!ReferenceEquals(Output, TokenEmbedding)) yield return Output;
        foreach (var l in Layers)
            foreach (var t in new[] { l.AttnNorm, l.Wq, l.Wk, l.Wv, l.Wo, l.Bq, l.Bk, l.Bv, l.FfnNorm, l.Gate, l.Up, l.Down })
                if (t is not null) yield return t;
    }
}
