using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// RMSNorm of x [tokens, cols] with weight [cols], as <see cref="RmsNormKernel"/> writes it, computed as read. Each
/// group of the quantizer sums the token's whole row for the scale itself: a few cached re-reads of x instead of a
/// launch and a written copy of the normed row.
/// </summary>
public struct NormedActivations(ArrayView<float> x, ArrayView<float> weight, float epsilon) : IActivationSource
{
    public ArrayView<float> X = x, Weight = weight;
    public float Epsilon = epsilon;
    private float _scale;

    public void Begin(int token, int cols, ArrayView<float> shared) => _scale = RmsNormKernel.RowScale(X, (long)token * cols, cols, Epsilon, shared);

    public readonly float Load(int token, int col, int cols) => X[(long)token * cols + col] * _scale * Weight[col];
}
