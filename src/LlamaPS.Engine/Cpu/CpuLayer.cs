namespace LlamaPS.Engine.Cpu;

/// <summary>One block's weights as the CPU reads them (shapes as in <see cref="Models.LayerTensors"/>); bias pointers are null when absent.</summary>
internal sealed unsafe class CpuLayer(
    WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
    WeightMatrix gate, WeightMatrix up, WeightMatrix down,
    float* attnNorm, float* ffnNorm, float* bq, float* bk, float* bv)
{
    public WeightMatrix Wq { get; } = wq;     // [qDim, dim]
    public WeightMatrix Wk { get; } = wk;     // [kvDim, dim]
    public WeightMatrix Wv { get; } = wv;     // [kvDim, dim]
    public WeightMatrix Wo { get; } = wo;     // [dim, qDim]
    public WeightMatrix Gate { get; } = gate; // [ffn, dim]
    public WeightMatrix Up { get; } = up;     // [ffn, dim]
    public WeightMatrix Down { get; } = down; // [dim, ffn]
    public float* AttnNorm { get; } = attnNorm; // [dim]
    public float* FfnNorm { get; } = ffnNorm;   // [dim]
    public float* Bq { get; } = bq;             // [qDim] or null
    public float* Bk { get; } = bk;             // [kvDim] or null
    public float* Bv { get; } = bv;             // [kvDim] or null

    public IEnumerable<WeightMatrix> Matrices => [Wq, Wk, Wv, Wo, Gate, Up, Down];
}
