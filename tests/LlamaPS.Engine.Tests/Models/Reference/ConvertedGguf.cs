using System.Runtime.InteropServices;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Models.Reference;

/// <summary>
/// Writes a <see cref="ReferenceModel"/> as F32 GGUF the way llama.cpp's convert_hf_to_gguf.py does for its
/// architecture: the metadata keys, the tensor names, Gemma's norm weights stored as 1 + w, phi3's fused attn_qkv
/// and gate-up ffn_up, Llama 3.1's RoPE scaling as a rope_freqs tensor, phi3's LongRoPE as rope_factors_short/long
/// with rope.scaling.attn_factor. The stories260K-sized synthetic vocabulary makes the files loadable as models.
/// </summary>
internal static class ConvertedGguf
{
    public static void Write(ReferenceModel m, string path)
    {
        ReferenceSpec s = m.Spec;
        string a = s.Architecture;
        bool fused = a == "phi3";
        // The llama converter permutes HF's q/k rows from rotate_half to adjacent pairs; the reference then rotates adjacent pairs.
        if ((a == "llama") == s.RotateHalf) throw new ArgumentException($"{a} GGUFs rotate {(a == "llama" ? "adjacent pairs" : "halves")}.");

        var w = new GgufWriter();
        w.AddMetadata("general.architecture", a);
        w.AddMetadata("general.name", $"reference {a}");
        w.AddMetadata($"{a}.context_length", (uint)s.MaxPositions);
        w.AddMetadata($"{a}.embedding_length", (uint)s.Dim);
        w.AddMetadata($"{a}.block_count", (uint)s.Layers);
        w.AddMetadata($"{a}.feed_forward_length", (uint)s.Ffn);
        w.AddMetadata($"{a}.attention.head_count", (uint)s.Heads);
        w.AddMetadata($"{a}.attention.head_count_kv", (uint)s.KvHeads);
        w.AddMetadata($"{a}.attention.key_length", (uint)s.HeadDim);
        w.AddMetadata($"{a}.attention.value_length", (uint)s.HeadDim);
        w.AddMetadata($"{a}.attention.layer_norm_rms_epsilon", (float)s.RmsEps);
        w.AddMetadata($"{a}.rope.dimension_count", (uint)s.Rotary);
        w.AddMetadata($"{a}.rope.freq_base", (float)s.RopeTheta);
        if (s.SlidingWindow is int window) w.AddMetadata($"{a}.attention.sliding_window", (uint)window);
        if (s.AttnLogitSoftcapping is double attnCap) w.AddMetadata($"{a}.attn_logit_softcapping", (float)attnCap);
        if (s.FinalLogitSoftcapping is double finalCap) w.AddMetadata($"{a}.final_logit_softcapping", (float)finalCap);
        if (s.Pooling is PoolingType pooling) w.AddMetadata($"{a}.pooling_type", (uint)pooling);
        SyntheticVocabulary.AddTo(w, s.Vocab);
        if (s.AddEosToken) w.AddMetadata(Vocabulary.AddEosKey, true);

        void Tensor(string name, float[] data, params long[] dims) =>
            w.AddTensor(name, GgmlType.F32, dims, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
        void Matrix(string name, float[] data, int rows, int cols) => Tensor(name, data, cols, rows);
        void Norm(string name, float[] data) => Tensor(name, s.NormAddsOne ? data.Select(x => x + 1).ToArray() : data, data.Length);

        switch (s.RopeScaling)
        {
            case LinearRopeScaling linear:
                w.AddMetadata($"{a}.rope.scaling.type", "linear");
                w.AddMetadata($"{a}.rope.scaling.factor", (float)linear.Factor);
                break;
            case YarnRopeScaling yarn:
                w.AddMetadata($"{a}.rope.scaling.type", "yarn");
                w.AddMetadata($"{a}.rope.scaling.factor", (float)yarn.Factor);
                w.AddMetadata($"{a}.rope.scaling.original_context_length", (uint)yarn.OriginalMaxPositions);
                break;
            case Llama3RopeScaling l3:
                Tensor("rope_freqs.weight", Llama3Factors(s, l3), s.Rotary / 2);
                break;
            case LongRopeScaling lr:
                double factor = (double)s.MaxPositions / lr.OriginalMaxPositions;
                w.AddMetadata($"{a}.rope.scaling.attn_factor", (float)Math.Sqrt(1 + Math.Log(factor) / Math.Log(lr.OriginalMaxPositions)));
                w.AddMetadata($"{a}.rope.scaling.original_context_length", (uint)lr.OriginalMaxPositions);
                Tensor("rope_factors_long.weight", lr.LongFactor.Select(f => (float)f).ToArray(), s.Rotary / 2);
                Tensor("rope_factors_short.weight", lr.ShortFactor.Select(f => (float)f).ToArray(), s.Rotary / 2);
                break;
        }

        int q = s.Heads * s.HeadDim, kv = s.KvHeads * s.HeadDim;
        Matrix("token_embd.weight", m.Embed, s.Vocab, s.Dim);
        Norm("output_norm.weight", m.FinalNorm);
        if (m.LmHead is not null) Matrix("output.weight", m.LmHead, s.Vocab, s.Dim);
        for (int l = 0; l < s.Layers; l++)
        {
            ReferenceLayer L = m.Layers[l];
            string p = $"blk.{l}.";
            Norm(p + "attn_norm.weight", L.InputNorm);
            if (fused)
                Matrix(p + "attn_qkv.weight", [.. L.Wq, .. L.Wk, .. L.Wv], q + 2 * kv, s.Dim);
            else
            {
                Matrix(p + "attn_q.weight", L.Wq, q, s.Dim);
                Matrix(p + "attn_k.weight", L.Wk, kv, s.Dim);
                Matrix(p + "attn_v.weight", L.Wv, kv, s.Dim);
            }
            if (L.Bq is not null) Tensor(p + "attn_q.bias", L.Bq, q);
            if (L.Bk is not null) Tensor(p + "attn_k.bias", L.Bk, kv);
            if (L.Bv is not null) Tensor(p + "attn_v.bias", L.Bv, kv);
            if (L.QNorm is not null) Norm(p + "attn_q_norm.weight", L.QNorm);
            if (L.KNorm is not null) Norm(p + "attn_k_norm.weight", L.KNorm);
            Matrix(p + "attn_output.weight", L.Wo, s.Dim, q);
            if (L.PostAttentionNorm is not null) Norm(p + "post_attention_norm.weight", L.PostAttentionNorm);
            Norm(p + "ffn_norm.weight", L.PreFeedForwardNorm);
            if (fused)
                Matrix(p + "ffn_up.weight", [.. L.Gate, .. L.Up], 2 * s.Ffn, s.Dim);
            else
            {
                Matrix(p + "ffn_gate.weight", L.Gate, s.Ffn, s.Dim);
                Matrix(p + "ffn_up.weight", L.Up, s.Ffn, s.Dim);
            }
            Matrix(p + "ffn_down.weight", L.Down, s.Dim, s.Ffn);
            if (L.PostFeedForwardNorm is not null) Norm(p + "post_ffw_norm.weight", L.PostFeedForwardNorm);
        }
        w.WriteTo(path);
    }

    // convert_hf_to_gguf.py's LlamaModel.generate_extra_tensors: per pair, 1 for high frequencies, the factor for
    // low ones, and 1 / ((1 - smooth) / factor + smooth) between.
    private static float[] Llama3Factors(ReferenceSpec s, Llama3RopeScaling l3)
    {
        double lowWavelen = l3.OriginalMaxPositions / l3.LowFreqFactor, highWavelen = l3.OriginalMaxPositions / l3.HighFreqFactor;
        return Enumerable.Range(0, s.Rotary / 2).Select(i =>
        {
            double wavelen = 2 * Math.PI * Math.Pow(s.RopeTheta, 2.0 * i / s.Rotary);
            if (wavelen < highWavelen) return 1f;
            if (wavelen > lowWavelen) return (float)l3.Factor;
            double smooth = (l3.OriginalMaxPositions / wavelen - l3.LowFreqFactor) / (l3.HighFreqFactor - l3.LowFreqFactor);
            return (float)(1 / ((1 - smooth) / l3.Factor + smooth));
        }).ToArray();
    }
}
