using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace LlamaPS.Engine.Cpu;

/// <summary>y = x / sqrt(mean(x^2) + eps) * weight, row by row over [rows, n].</summary>
public static unsafe class RmsNorm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(float* x, float* weight, float* y, int rows, int n, float eps)
    {
        var w = new ReadOnlySpan<float>(weight, n);
        for (int r = 0; r < rows; r++)
        {
            var xr = new ReadOnlySpan<float>(x + (long)r * n, n);
            var yr = new Span<float>(y + (long)r * n, n);
            float scale = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(xr) / n + eps);
            TensorPrimitives.Multiply(xr, scale, yr);
            TensorPrimitives.Multiply(yr, w, yr);
        }
    }
}
