using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>y[t, i] += bias[i] over y [tokens, width] (index = t * width + i).</summary>
public static class BiasAddKernel
{
    public static void Run(Index1D index, ArrayView<float> y, ArrayView<float> bias, int width)
    {
        y[index] += bias[index % width];
    }
}
