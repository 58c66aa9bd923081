using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// A weight matrix W [rows, cols] in device memory, repacked once at load into its type's device layout
/// (<see cref="Formats.IQuantFormat"/> or <see cref="Formats.IFloatFormat"/>): quantized words and per-unit float
/// scales, or the float rows as words. <see cref="Kernels"/> multiplies with it.
/// </summary>
internal sealed class DeviceMatrix : IDisposable
{
    internal DeviceMatrix(string name, WeightKernels kernels, int rows, int cols, MemoryBuffer1D<uint, Stride1D.Dense> words, MemoryBuffer1D<float, Stride1D.Dense>? scales)
    {
        Name = name;
        Kernels = kernels;
        Rows = rows;
        Cols = cols;
        Words = words;
        Scales = scales;
    }

    public string Name { get; }
    public GgmlType Type => Kernels.Type;
    public int Rows { get; }
    public int Cols { get; }
    internal WeightKernels Kernels { get; }
    internal MemoryBuffer1D<uint, Stride1D.Dense> Words { get; }
    /// <summary>Per-unit scales of a quantized matrix; null for float types.</summary>
    internal MemoryBuffer1D<float, Stride1D.Dense>? Scales { get; }

    /// <summary>Units of 32 weights a row (quantized types).</summary>
    public int Units => Cols / 32;

    public long ByteSize => Words.LengthInBytes + (Scales?.LengthInBytes ?? 0);

    public override string ToString() => $"{Name} {Type} [{Rows}, {Cols}]";

    public void Dispose()
    {
        Words.Dispose();
        Scales?.Dispose();
    }
}
