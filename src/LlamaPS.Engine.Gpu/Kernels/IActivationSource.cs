using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Where <see cref="QuantizeActivationsKernel"/> takes the values it quantizes from: activations as they are, or the
/// output of the operator before the product computed on the fly (a norm, a gating), which saves that operator's
/// launch and its trip through memory when only the quantized form is needed. Implemented by structs of views,
/// passed to the kernel as a parameter; ILGPU specialises the kernel for each.
/// </summary>
public interface IActivationSource
{
    /// <summary>
    /// Device, by every thread of the group before any <see cref="Load"/> of token <paramref name="token"/>: what
    /// the token's values need first (a norm's scale), using <paramref name="shared"/> (<see cref="GroupSum.Size"/> floats).
    /// </summary>
    void Begin(int token, int cols, ArrayView<float> shared);

    /// <summary>Device: the value at (<paramref name="token"/>, <paramref name="col"/>) of the [tokens, cols] activations.</summary>
    float Load(int token, int col, int cols);
}
