using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// Decode's matrix-vector product as <see cref="QuantGemvWideKernel"/> computes it, with each 4-byte dot product one
/// dp4a instruction (<see cref="Dp4aInt8Dot"/>): the same sums, exactly, in a sixteenth of the integer instructions.
/// </summary>
public static class QuantGemvDp4aKernel
{
    public static void Run<TFormat>(ArrayView<Vector4Words> quants, ArrayView<Vector4Words> weightScales,
        ArrayView<Vector4Words> words, ArrayView<Vector4Words> scales, ArrayView<Vector4Words> sums,
        ArrayView<float> y, int rows, int units, int accumulate)
        where TFormat : struct, IQuantFormat =>
        QuantGemvWideKernel.Product<TFormat, Dp4aInt8Dot>(quants, weightScales, words, scales, sums, y, rows, units, accumulate);
}
