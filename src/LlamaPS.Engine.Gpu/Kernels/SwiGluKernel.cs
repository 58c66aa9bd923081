using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>gate = silu(gate) * up element-wise, silu(g) = g * sigmoid(g): the llama feed-forward's gating.</summary>
public static class SwiGluKernel
{
    public static void Run(Index1D index, ArrayView<float> gate, ArrayView<float> up) => gate[index] = Gated(gate[index], up[index]);

    /// <summary>silu(g) * u.</summary>
    public static float Gated(float g, float u) => g * (1f / (1f + MathF.Exp(-g))) * u;
}
