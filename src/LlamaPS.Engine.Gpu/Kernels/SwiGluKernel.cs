using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>gate = silu(gate) * up element-wise, silu(g) = g * sigmoid(g): the llama feed-forward's gating.</summary>
public static class SwiGluKernel
{
    public static void Run(Index1D index, ArrayView<float> gate, ArrayView<float> up)
    {
        float g = gate[index];
        gate[index] = g * (1f / (1f + MathF.Exp(-g))) * up[index];
    }
}
