using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>Activations x [tokens, cols] as they are.</summary>
public struct PlainActivations(ArrayView<float> x) : IActivationSource
{
    public ArrayView<float> X = x;

    public readonly void Begin(int token, int cols, ArrayView<float> shared) { }

    public readonly float Load(int token, int col, int cols) => X[(long)token * cols + col];
}
