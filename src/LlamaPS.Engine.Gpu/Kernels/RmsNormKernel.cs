using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>y[t, :] = x[t, :] / sqrt(mean(x[t, :]^2) + eps) * weight, one group a row of n values.</summary>
public static class RmsNormKernel
{
    public static void Run(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> y, int n, float eps)
    {
        var partial = SharedMemory.Allocate<float>(GroupSum.Size);
        int tid = Group.IdxX;
        long row = (long)Grid.IdxX * n;
        float sum = 0;
        for (int i = tid; i < n; i += GroupSum.Size) sum += x[row + i] * x[row + i];
        partial[tid] = sum;
        GroupSum.Sum(partial, 1);
        float scale = 1f / MathF.Sqrt(partial[0] / n + eps);
        for (int i = tid; i < n; i += GroupSum.Size) y[row + i] = x[row + i] * scale * weight[i];
    }
}
