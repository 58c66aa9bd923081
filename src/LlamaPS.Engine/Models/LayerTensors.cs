using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// One transformer block's tensors, shapes in llama2.c's [rows, cols] order (out, in):
/// attention Wq [qDim, dim], Wk [kvDim, dim], Wv [kvDim, dim], Wo [dim, qDim]; feed-forward Gate [ffn, dim],
/// Up [ffn, dim], Down [dim, ffn]; norms [dim]; optional q/k/v biases [qDim] / [kvDim].
/// </summary>
public sealed record LayerTensors(
    GgufTensorInfo AttnNorm,
    GgufTensorInfo Wq, GgufTensorInfo Wk, GgufTensorInfo Wv, GgufTensorInfo Wo,
    GgufTensorInfo? Bq, GgufTensorInfo? Bk, GgufTensorInfo? Bv,
    GgufTensorInfo FfnNorm,
    GgufTensorInfo Gate, GgufTensorInfo Up, GgufTensorInfo Down);
