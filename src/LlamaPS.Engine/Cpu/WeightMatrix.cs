using LlamaPS.Engine.Cpu.Kernels;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// A weight matrix W[rows, cols] stored row by row in any supported type (GGUF's ne = {cols, rows}); the data is
/// read in place (memory-mapped). Knows nothing of models: just a typed pointer, a shape and a kernel.
/// </summary>
public sealed unsafe class WeightMatrix
{
    public WeightMatrix(string name, GgmlType type, byte* data, int rows, int cols)
    {
        Kernel = WeightKernel.For(type) ?? throw new NotSupportedException($"Tensor '{name}' has type {type}, which the CPU engine does not support.");
        if (cols % GgmlTypeTraits.BlockSize(type) != 0) throw new ArgumentException($"Tensor '{name}': {cols} columns is not a multiple of the {type} block.");
        Name = name;
        Type = type;
        Data = data;
        Rows = rows;
        Cols = cols;
        RowBytes = GgmlTypeTraits.RowBytes(type, cols);
    }

    public string Name { get; }
    public GgmlType Type { get; }
    public byte* Data { get; }
    public int Rows { get; }
    public int Cols { get; }
    public long RowBytes { get; }
    public WeightKernel Kernel { get; }

    public byte* Row(int r) => Data + r * RowBytes;

    public override string ToString() => $"{Name} {Type} [{Rows}, {Cols}]";
}
