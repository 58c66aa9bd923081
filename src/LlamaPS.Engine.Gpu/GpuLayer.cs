using ILGPU;
using ILGPU.Runtime;

namespace LlamaPS.Engine.Gpu;

/// <summary>One block's weights in device memory (shapes as in <see cref="Models.LayerTensors"/>); biases null when absent.</summary>
internal sealed class GpuLayer(
    MatrixStack qkv, DeviceMatrix wo, MatrixStack gateUp, DeviceMatrix down,
    MemoryBuffer1D<float, Stride1D.Dense> attnNorm, MemoryBuffer1D<float, Stride1D.Dense> ffnNorm,
    MemoryBuffer1D<float, Stride1D.Dense>? bq, MemoryBuffer1D<float, Stride1D.Dense>? bk, MemoryBuffer1D<float, Stride1D.Dense>? bv)
{
    public MatrixStack Qkv { get; } = qkv;           // Wq [qDim, dim], Wk [kvDim, dim], Wv [kvDim, dim]
    public DeviceMatrix Wq => Qkv.Parts[0];
    public DeviceMatrix Wk => Qkv.Parts[1];
    public DeviceMatrix Wv => Qkv.Parts[2];
    public DeviceMatrix Wo { get; } = wo;            // [dim, qDim]
    public MatrixStack GateUp { get; } = gateUp;     // Gate [ffn, dim], Up [ffn, dim]
    public DeviceMatrix Gate => GateUp.Parts[0];
    public DeviceMatrix Up => GateUp.Parts[1];
    public DeviceMatrix Down { get; } = down;        // [dim, ffn]
    public MemoryBuffer1D<float, Stride1D.Dense> AttnNorm { get; } = attnNorm; // [dim]
    public MemoryBuffer1D<float, Stride1D.Dense> FfnNorm { get; } = ffnNorm;   // [dim]
    public MemoryBuffer1D<float, Stride1D.Dense>? Bq { get; } = bq;            // [qDim]
    public MemoryBuffer1D<float, Stride1D.Dense>? Bk { get; } = bk;            // [kvDim]
    public MemoryBuffer1D<float, Stride1D.Dense>? Bv { get; } = bv;            // [kvDim]
}
