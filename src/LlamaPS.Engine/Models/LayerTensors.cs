using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// One transformer block's tensors, matrix shapes in llama2.c's [rows, cols] order (out, in). Optional ones are
/// null when the architecture has none; <see cref="ModelTensors.FromGguf"/> requires those its config asks for.
/// </summary>
public sealed record LayerTensors
{
    public required GgufTensorInfo AttnNorm { get; init; }     // [dim]
    public required TensorRows Wq { get; init; }               // [qDim, dim]
    public required TensorRows Wk { get; init; }               // [kvDim, dim]
    public required TensorRows Wv { get; init; }               // [kvDim, dim]
    public required TensorRows Wo { get; init; }               // [dim, qDim]
    public GgufTensorInfo? Bq { get; init; }                   // [qDim]
    public GgufTensorInfo? Bk { get; init; }                   // [kvDim]
    public GgufTensorInfo? Bv { get; init; }                   // [kvDim]
    public GgufTensorInfo? QNorm { get; init; }                // [headDim]
    public GgufTensorInfo? KNorm { get; init; }                // [headDim]
    public GgufTensorInfo? PostAttnNorm { get; init; }         // [dim]
    public required GgufTensorInfo FfnNorm { get; init; }      // [dim]
    public required TensorRows Gate { get; init; }             // [ffn, dim]
    public required TensorRows Up { get; init; }               // [ffn, dim]
    public required TensorRows Down { get; init; }             // [dim, ffn]
    public GgufTensorInfo? PostFfnNorm { get; init; }          // [dim]

    /// <summary>The block's tensors, each once (a fused tensor behind several matrices too).</summary>
    public IEnumerable<GgufTensorInfo> All() =>
        new[] { Wq, Wk, Wv, Wo, Gate, Up, Down }.Select(m => m.Tensor)
            .Concat(new[] { AttnNorm, Bq, Bk, Bv, QNorm, KNorm, PostAttnNorm, FfnNorm, PostFfnNorm }.OfType<GgufTensorInfo>())
            .Distinct();
}
