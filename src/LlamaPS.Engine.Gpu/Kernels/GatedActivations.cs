using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>silu(gate) * up of gate and up [tokens, cols], as <see cref="SwiGluKernel"/> writes it, computed as read.</summary>
public struct GatedActivations(ArrayView<float> gate, ArrayView<float> up) : IActivationSource
{
    public ArrayView<float> Gate = gate, Up = up;

    public readonly void Begin(int token, int cols, ArrayView<float> shared) { }

    public readonly float Load(int token, int col, int cols)
    {
        long at = (long)token * cols + col;
        return SwiGluKernel.Gated(Gate[at], Up[at]);
    }
}
