using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// A weight matrix W [rows, cols] in device memory, repacked once at load into its type's device layout
/// (<see cref="Formats.IQuantFormat"/> or <see cref="Formats.IFloatFormat"/>): quantized words and per-unit float
/// scales, or the float rows as words. Both layouts keep each row's data in one contiguous stretch, so a range of
/// rows (<see cref="Slice"/>) is a matrix too: several GGUF tensors uploaded as one stack are multiplied in one
/// launch, or each on its own. <see cref="Kernels"/> multiplies with it.
/// </summary>
internal sealed class DeviceMatrix : IDisposable
{
    private readonly IDisposable[] _owned;

    internal DeviceMatrix(string name, WeightKernels kernels, int rows, int cols, int wordsPerRow, int scalesPerRow,
        ArrayView<uint> words, ArrayView<float> scales, params IDisposable[] owned)
    {
        Name = name;
        Kernels = kernels;
        Rows = rows;
        Cols = cols;
        WordsPerRow = wordsPerRow;
        ScalesPerRow = scalesPerRow;
        Words = words;
        Scales = scales;
        _owned = owned;
    }

    public string Name { get; }
    public GgmlType Type => Kernels.Type;
    public int Rows { get; }
    public int Cols { get; }
    internal WeightKernels Kernels { get; }
    internal int WordsPerRow { get; }
    internal int ScalesPerRow { get; }
    internal ArrayView<uint> Words { get; }
    /// <summary>Per-unit scales of a quantized matrix; empty for float types.</summary>
    internal ArrayView<float> Scales { get; }

    /// <summary>Units of 32 weights a row (quantized types).</summary>
    public int Units => Cols / 32;

    public long ByteSize => Words.LengthInBytes + Scales.LengthInBytes;

    /// <summary>Rows first..first+count-1 as a matrix of their own, sharing this one's memory.</summary>
    public DeviceMatrix Slice(string name, int first, int count) =>
        new(name, Kernels, count, Cols, WordsPerRow, ScalesPerRow,
            Words.SubView((long)first * WordsPerRow, (long)count * WordsPerRow),
            ScalesPerRow == 0 ? Scales : Scales.SubView((long)first * ScalesPerRow, (long)count * ScalesPerRow));

    public override string ToString() => $"{Name} {Type} [{Rows}, {Cols}]";

    public void Dispose()
    {
        foreach (var o in _owned) o.Dispose();
    }
}
