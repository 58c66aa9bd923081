using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// The model's tensors by role, with shapes checked against the config: TokenEmbedding [vocab, dim],
/// OutputNorm [dim], Output [vocab, dim] (the embedding itself when the model ties them), the blocks, and the
/// optional per-pair RoPE frequency factors [ropeDims / 2].
/// </summary>
public sealed class ModelTensors
{
    private ModelTensors(GgufTensorInfo tokenEmbedding, GgufTensorInfo outputNorm, GgufTensorInfo output, IReadOnlyList<LayerTensors> layers,
                         GgufTensorInfo? ropeFreqs, GgufTensorInfo? ropeFactorsShort, GgufTensorInfo? ropeFactorsLong)
    {
        TokenEmbedding = tokenEmbedding;
        OutputNorm = outputNorm;
        Output = output;
        Layers = layers;
        RopeFreqs = ropeFreqs;
        RopeFactorsShort = ropeFactorsShort;
        RopeFactorsLong = ropeFactorsLong;
    }

    public GgufTensorInfo TokenEmbedding { get; }
    public GgufTensorInfo OutputNorm { get; }
    public GgufTensorInfo Output { get; }
    public IReadOnlyList<LayerTensors> Layers { get; }
    /// <summary>rope_freqs: the converter's Llama 3.1 RoPE scaling, one frequency divisor per pair.</summary>
    public GgufTensorInfo? RopeFreqs { get; }
    /// <summary>rope_factors_short / rope_factors_long: phi3's LongRoPE divisors within / beyond the original context.</summary>
    public GgufTensorInfo? RopeFactorsShort { get; }
    public GgufTensorInfo? RopeFactorsLong { get; }

    /// <summary>
    /// The frequency divisors RoPE uses in a context of <paramref name="contextLength"/> positions, or null: as
    /// llama.cpp, rope_freqs when present, else LongRoPE's long factors when the context reaches beyond the original
    /// one and its short factors otherwise (chosen once per context, so rotations never change mid-sequence).
    /// </summary>
    public GgufTensorInfo? RopeFactorsFor(int contextLength, ModelConfig c) =>
        RopeFreqs ?? (contextLength > c.RopeOriginalContextLength ? RopeFactorsLong : RopeFactorsShort);

    public static ModelTensors FromGguf(GgufFile file, ModelConfig c)
    {
        int dim = c.EmbeddingLength, qDim = c.QueryDim, kvDim = c.KvDim, ffn = c.FeedForwardLength;
        UnsupportedModelException Missing(string name) => new(file.Path, UnsupportedFeature.Tensor, name, $"tensor '{name}' is missing.");
        GgufTensorInfo Get(string name, params long[] shape)
        {
            var t = file.FindTensor(name) ?? throw Missing(name);
            Check(file, t, shape);
            return t;
        }
        GgufTensorInfo? Optional(string name, params long[] shape)
        {
            var t = file.FindTensor(name);
            if (t is not null) Check(file, t, shape);
            return t;
        }
        GgufTensorInfo? Required(bool required, string name, params long[] shape) => required ? Get(name, shape) : Optional(name, shape);
        TensorRows Matrix(string name, long cols, long rows) => TensorRows.Whole(Get(name, cols, rows));
        // Q, K and V: three tensors, or attn_qkv holding them one above the other [qDim + 2 kvDim, dim] (phi3).
        (TensorRows Q, TensorRows K, TensorRows V) Qkv(string p)
        {
            if (file.FindTensor(p + "attn_qkv.weight") is null)
                return (Matrix(p + "attn_q.weight", dim, qDim), Matrix(p + "attn_k.weight", dim, kvDim), Matrix(p + "attn_v.weight", dim, kvDim));
            var fused = Get(p + "attn_qkv.weight", dim, qDim + 2L * kvDim);
            return (new(fused, 0, qDim), new(fused, qDim, kvDim), new(fused, qDim + kvDim, kvDim));
        }
        // Gate and up: two tensors, or no gate and ffn_up holding the gate above the up projection [2 ffn, dim] (phi3).
        (TensorRows Gate, TensorRows Up) GateUp(string p)
        {
            if (file.FindTensor(p + "ffn_gate.weight") is not null)
                return (Matrix(p + "ffn_gate.weight", dim, ffn), Matrix(p + "ffn_up.weight", dim, ffn));
            if (file.FindTensor(p + "ffn_up.weight")?.RowCount != 2L * ffn) throw Missing(p + "ffn_gate.weight");
            var fused = Get(p + "ffn_up.weight", dim, 2L * ffn);
            return (new(fused, 0, ffn), new(fused, ffn, ffn));
        }

        var embedding = Get("token_embd.weight", dim, c.VocabSize);
        var output = Optional("output.weight", dim, c.VocabSize) ?? embedding;
        bool sandwich = c.NormPlacement == NormPlacement.PreAndPost;
        var layers = new LayerTensors[c.BlockCount];
        for (int l = 0; l < layers.Length; l++)
        {
            string p = $"blk.{l}.";
            var qkv = Qkv(p);
            var gateUp = GateUp(p);
            layers[l] = new LayerTensors
            {
                AttnNorm = Get(p + "attn_norm.weight", dim),
                Wq = qkv.Q, Wk = qkv.K, Wv = qkv.V,
                Wo = Matrix(p + "attn_output.weight", qDim, dim),
                Bq = Required(c.HasQkvBias, p + "attn_q.bias", qDim),
                Bk = Required(c.HasQkvBias, p + "attn_k.bias", kvDim),
                Bv = Required(c.HasQkvBias, p + "attn_v.bias", kvDim),
                QNorm = c.HasQkNorm ? Get(p + "attn_q_norm.weight", c.HeadDim) : null,
                KNorm = c.HasQkNorm ? Get(p + "attn_k_norm.weight", c.HeadDim) : null,
                PostAttnNorm = sandwich ? Get(p + "post_attention_norm.weight", dim) : null,
                FfnNorm = Get(p + "ffn_norm.weight", dim),
                Gate = gateUp.Gate, Up = gateUp.Up,
                Down = Matrix(p + "ffn_down.weight", ffn, dim),
                PostFfnNorm = sandwich ? Get(p + "post_ffw_norm.weight", dim) : null,
            };
        }
        int pairs = c.Rope.Dimensions / 2;
        return new ModelTensors(embedding, Get("output_norm.weight", dim), output, layers,
            Optional("rope_freqs.weight", pairs), Optional("rope_factors_short.weight", pairs), Optional("rope_factors_long.weight", pairs));
    }

    private static void Check(GgufFile file, GgufTensorInfo t, long[] shape)
    {
        if (!t.Dimensions.SequenceEqual(shape))
            throw new InvalidDataException($"{file.Path}: tensor '{t.Name}' has shape [{string.Join(", ", t.Dimensions)}], expected [{string.Join(", ", shape)}].");
        // Norms, biases and RoPE factors are used element-wise in f32.
        if (shape.Length == 1 && t.Type != GgmlType.F32)
            throw new UnsupportedModelException(file.Path, UnsupportedFeature.TensorType, t.Type.ToString(),
                $"tensor '{t.Name}' is {t.Type}; vectors (norms, biases, RoPE factors) must be F32.");
    }

    /// <summary>Every distinct tensor in the model, the tied output and fused matrices counted once.</summary>
    public IEnumerable<GgufTensorInfo> All() =>
        new[] { TokenEmbedding, OutputNorm, Output, RopeFreqs, RopeFactorsShort, RopeFactorsLong }.OfType<GgufTensorInfo>()
            .Concat(Layers.SelectMany(l => l.All()))
            .Distinct();
}
