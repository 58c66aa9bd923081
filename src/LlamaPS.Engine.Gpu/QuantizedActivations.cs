using ILGPU;
using ILGPU.Runtime;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// Device buffers for activations quantized to 8 bits ([tokens, cols] as units of 32: words, scales and sums, the
/// layout <see cref="Kernels.QuantizeActivationsKernel"/> writes), reused by every quantized product of a context.
/// </summary>
internal sealed class QuantizedActivations : IDisposable
{
    public QuantizedActivations(Accelerator accelerator, int tokens, int maxCols)
    {
        long units = (long)tokens * (maxCols / 32);
        Words = accelerator.Allocate1D<uint>(units * 8);
        Scales = accelerator.Allocate1D<float>(units);
        Sums = accelerator.Allocate1D<int>(units);
    }

    public MemoryBuffer1D<uint, Stride1D.Dense> Words { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Scales { get; }
    public MemoryBuffer1D<int, Stride1D.Dense> Sums { get; }

    public long ByteSize => Words.LengthInBytes + Scales.LengthInBytes + Sums.LengthInBytes;

    public void Dispose()
    {
        Words.Dispose();
        Scales.Dispose();
        Sums.Dispose();
    }
}
