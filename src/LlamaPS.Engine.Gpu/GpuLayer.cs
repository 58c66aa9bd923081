using ILGPU;
using ILGPU.Runtime;

namespace LlamaPS.Engine.Gpu;

/// <summary>One block's weights in device memory (shapes as in <see cref="Models.LayerTensors"/>); biases null when absent.</summary>
internal sealed class GpuLayer(
    DeviceMatrix wq, DeviceMatrix wk, DeviceMatrix wv, DeviceMatrix wo,
    DeviceMatrix gate, DeviceMatrix up, DeviceMatrix down,
    MemoryBuffer1D<float, Stride1D.Dense> attnNorm, MemoryBuffer1D<float, Stride1D.Dense> ffnNorm,
    MemoryBuffer1D<float, Stride1D.Dense>? bq, MemoryBuffer1D<float, Stride1D.Dense>? bk, MemoryBuffer1D<float, Stride1D.Dense>? bv)
{
    public DeviceMatrix Wq { get; } = wq;     // [qDim, dim]
    public DeviceMatrix Wk { get; } = wk;     // [kvDim, dim]
    public DeviceMatrix Wv { get; } = wv;     // [kvDim, dim]
    public DeviceMatrix Wo { get; } = wo;     // [dim, qDim]
    public DeviceMatrix Gate { get; } = gate; // [ffn, dim]
    public DeviceMatrix Up { get; } = up;     // [ffn, dim]
    public DeviceMatrix Down { get; } = down; // [dim, ffn]
    public MemoryBuffer1D<float, Stride1D.Dense> AttnNorm { get; } = attnNorm; // [dim]
    public MemoryBuffer1D<float, Stride1D.Dense> FfnNorm { get; } = ffnNorm;   // [dim]
    public MemoryBuffer1D<float, Stride1D.Dense>? Bq { get; } = bq;            // [qDim]
    public MemoryBuffer1D<float, Stride1D.Dense>? Bk { get; } = bk;            // [kvDim]
    public MemoryBuffer1D<float, Stride1D.Dense>? Bv { get; } = bv;            // [kvDim]

    public IEnumerable<DeviceMatrix> Matrices => [Wq, Wk, Wv, Wo, Gate, Up, Down];

    public IEnumerable<IDisposable> Buffers => new IDisposable?[] { AttnNorm, FfnNorm, Bq, Bk, Bv }.OfType<IDisposable>();
}
