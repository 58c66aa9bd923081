using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Tests.Models.Reference;

/// <summary>
/// A decoder-only transformer in the terms of its Hugging Face config (what <see cref="ReferenceTransformer"/>
/// computes), plus the GGUF architecture name <see cref="ConvertedGguf"/> writes it under.
/// </summary>
internal sealed record ReferenceSpec
{
    public required string Architecture { get; init; }
    public int Dim { get; init; } = 64;
    public int Layers { get; init; } = 3;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;
    public int HeadDim { get; init; } = 16;
    public int Ffn { get; init; } = 128;
    public int Vocab { get; init; } = 300;
    /// <summary>max_position_embeddings.</summary>
    public int MaxPositions { get; init; } = 128;
    public double RmsEps { get; init; } = 1e-5;

    /// <summary>rope_theta, the rotary dimensions (partial_rotary_factor * head_dim), the scaling (rope_scaling).</summary>
    public double RopeTheta { get; init; } = 10000;
    public int? RotaryDim { get; init; }
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>
    /// HF's rotate_half: pairs (i, i + d/2), as every HF model computes it. False: Meta's llama reference, adjacent
    /// pairs (2i, 2i + 1), which is what HF's q/k weights become after the converter's permutation for llama.
    /// </summary>
    public bool RotateHalf { get; init; } = true;

    public bool QkvBias { get; init; }
    /// <summary>q_norm / k_norm over each head before RoPE (Qwen3, Gemma3).</summary>
    public bool QkNorm { get; init; }
    /// <summary>Gemma's RMSNorm: x * (1 + w) instead of x * w.</summary>
    public bool NormAddsOne { get; init; }
    /// <summary>Gemma2/3's post_attention_layernorm and post_feedforward_layernorm around the residual adds.</summary>
    public bool SandwichNorms { get; init; }
    public bool GeluTanh { get; init; }
    /// <summary>Embeddings times sqrt(hidden_size) (Gemma's normalizer).</summary>
    public bool ScaleEmbedding { get; init; }
    /// <summary>Gemma's query_pre_attn_scalar: scores scaled by its -1/2 power; else head_dim.</summary>
    public double? QueryPreAttnScalar { get; init; }
    public double? AttnLogitSoftcapping { get; init; }
    public double? FinalLogitSoftcapping { get; init; }
    public bool TiedEmbeddings { get; init; }
    /// <summary>The pooling the converter declares for an embedding model ({arch}.pooling_type); null: none written.</summary>
    public PoolingType? Pooling { get; init; }
    /// <summary>The tokenizer appends EOS to a sequence (tokenizer.ggml.add_eos_token), as embedding models' tokenizers often do.</summary>
    public bool AddEosToken { get; init; }

    /// <summary>sliding_window, and which layers use it (layer_types "sliding_attention").</summary>
    public int? SlidingWindow { get; init; }
    public Func<int, bool> IsSlidingLayer { get; init; } = _ => true;
    /// <summary>Gemma3's rope_local_base_freq: sliding layers' RoPE base, without the rope_scaling of the global ones.</summary>
    public double? LocalRopeTheta { get; init; }

    public int Rotary => RotaryDim ?? HeadDim;
    public bool IsSliding(int layer) => SlidingWindow is not null && IsSlidingLayer(layer);
}
