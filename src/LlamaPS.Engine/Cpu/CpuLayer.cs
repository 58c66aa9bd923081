namespace LlamaPS.Engine.Cpu;

/// <summary>
/// One block's weights as the CPU reads them (shapes as in <see cref="Models.LayerTensors"/>); vector pointers are
/// null when the model has no such tensor.
/// </summary>
internal sealed unsafe class CpuLayer
{
    public required WeightMatrix Wq { get; init; }     // [qDim, dim]
    public required WeightMatrix Wk { get; init; }     // [kvDim, dim]
    public required WeightMatrix Wv { get; init; }     // [kvDim, dim]
    public required WeightMatrix Wo { get; init; }     // [dim, qDim]
    public required WeightMatrix Gate { get; init; }   // [ffn, dim]
    public required WeightMatrix Up { get; init; }     // [ffn, dim]
    public required WeightMatrix Down { get; init; }   // [dim, ffn]
    public required float* AttnNorm { get; init; }     // [dim]
    public required float* FfnNorm { get; init; }      // [dim]
    public float* Bq { get; init; }                    // [qDim]
    public float* Bk { get; init; }                    // [kvDim]
    public float* Bv { get; init; }                    // [kvDim]
    public float* QNorm { get; init; }                 // [headDim]
    public float* KNorm { get; init; }                 // [headDim]
    public float* PostAttnNorm { get; init; }          // [dim]
    public float* PostFfnNorm { get; init; }           // [dim]

    public IEnumerable<WeightMatrix> Matrices => [Wq, Wk, Wv, Wo, Gate, Up, Down];

    /// <summary>The products that read the attention norm's output, for one <see cref="MatMul"/> dispatch.</summary>
    public WeightMatrix[] Qkv => _qkv ??= [Wq, Wk, Wv];
    /// <summary>The products that read the feed-forward norm's output.</summary>
    public WeightMatrix[] GateUp => _gateUp ??= [Gate, Up];

    private WeightMatrix[]? _qkv, _gateUp;
}
