using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// Everything one weight type needs on one accelerator: how its GGUF rows become the device layout, and its
/// kernels (matrix-vector for one token, tiled matrix-matrix for more, and the row gather of an embedding), loaded
/// by <see cref="Compile"/>. Quantized types multiply with activations quantized to 8 bits
/// (<see cref="ActivationBlockUnits"/> units of 32 share a scale: 1 for Q8_0, 8 for Q8_K), float types with f32.
/// </summary>
internal abstract class WeightKernels
{
    public abstract GgmlType Type { get; }

    /// <summary>Units of 32 activations that share one scale (ggml's vec_dot_type): 1 (Q8_0) or 8 (Q8_K); 0 for float weights.</summary>
    public abstract int ActivationBlockUnits { get; }

    /// <summary>Columns must be a multiple of this.</summary>
    public int ColumnMultiple => GgmlTypeTraits.BlockSize(Type) == 1 ? 2 : GgmlTypeTraits.BlockSize(Type);

    /// <summary>Loads (compiling on first use) this type's kernels on the accelerator.</summary>
    public abstract void Compile(Accelerator accelerator);

    /// <summary>
    /// Repacks GGUF matrices of this type with rows of <paramref name="cols"/> elements, stacked in the order given
    /// (each its data and row count), into one device matrix.
    /// </summary>
    public abstract unsafe DeviceMatrix Upload(Accelerator accelerator, string name, IReadOnlyList<(nint Data, int Rows)> parts, int cols);

    /// <summary>
    /// y [tokens, rows] (+)= x [tokens, cols] · Wᵀ, queued on <paramref name="stream"/>. Quantized types read <paramref name="quantized"/>, which must hold
    /// x quantized in this type's activation format; float types read x. <paramref name="vectorKernel"/> (one token
    /// only) takes the matrix-vector kernel rather than the tiled matrix-matrix one.
    /// </summary>
    public abstract void Multiply(AcceleratorStream stream, DeviceMatrix w, ArrayView<float> x, QuantizedActivations quantized, ArrayView<float> y, int tokens, bool accumulate, bool vectorKernel);

    /// <summary>x [tokens, cols] = rows ids[0..tokens) of W, in f32.</summary>
    public abstract void Gather(AcceleratorStream stream, DeviceMatrix w, ArrayView<int> ids, ArrayView<float> x, int tokens);

    /// <summary>The weight types the GPU backend runs.</summary>
    public static IReadOnlyList<GgmlType> SupportedTypes { get; } =
        [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K];

    /// <summary>A new, not yet compiled, set of kernels for <paramref name="type"/>; null when the GPU backend does not support it.</summary>
    public static WeightKernels? Create(GgmlType type) => type switch
    {
        GgmlType.F32 => new FloatWeightKernels<F32Format>(type),
        GgmlType.F16 => new FloatWeightKernels<F16Format>(type),
        GgmlType.BF16 => new FloatWeightKernels<BF16Format>(type),
        GgmlType.Q8_0 => new QuantWeightKernels<Q8_0Format>(type, 1),
        GgmlType.Q4_0 => new QuantWeightKernels<Q4_0Format>(type, 1),
        GgmlType.Q4_K => new QuantWeightKernels<Q4_KFormat>(type, 8),
        GgmlType.Q6_K => new QuantWeightKernels<Q6_KFormat>(type, 8),
        _ => null,
    };
}
