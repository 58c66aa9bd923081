using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// The kernels of a forward pass other than the weight products, loaded on one accelerator by <see cref="Compile"/>,
/// each behind a method that sets its launch shape. Every call is queued on the accelerator's stream and returns at once.
/// </summary>
internal sealed class OperatorKernels
{
    private Action<KernelConfig, PlainActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>? _quantize;
    private Action<KernelConfig, NormedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>? _quantizeNormed;
    private Action<KernelConfig, GatedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>? _quantizeGated;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>? _rmsNorm;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, float, int>? _rope;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<ushort>, ArrayView<ushort>, int, int>? _kvStore;
    private Action<KernelConfig, ArrayView<float>, ArrayView<ushort>, ArrayView<ushort>, ArrayView<float>, int, int, int, int, int, float>? _attention;
    private Action<Index1D, ArrayView<float>, ArrayView<float>>? _swiGlu;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int>? _biasAdd;

    public void Compile(Accelerator accelerator)
    {
        _quantize = accelerator.LoadStreamKernel<PlainActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>(QuantizeActivationsKernel.Run);
        _quantizeNormed = accelerator.LoadStreamKernel<NormedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>(QuantizeActivationsKernel.Run);
        _quantizeGated = accelerator.LoadStreamKernel<GatedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>(QuantizeActivationsKernel.Run);
        _rmsNorm = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RmsNormKernel.Run);
        _rope = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, float, int>(RopeKernel.Run);
        _kvStore = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<ushort>, ArrayView<ushort>, int, int>(KvStoreKernel.Run);
        _attention = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<ushort>, ArrayView<ushort>, ArrayView<float>, int, int, int, int, int, float>(AttentionKernel.Run);
        _swiGlu = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(SwiGluKernel.Run);
        _biasAdd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(BiasAddKernel.Run);
    }

    /// <summary>x [tokens, cols] to 8-bit units with <paramref name="blockUnits"/> units a scale (1: Q8_0, 8: Q8_K).</summary>
    public void Quantize(ArrayView<float> x, int cols, int tokens, int blockUnits, QuantizedActivations q) =>
        _quantize!(QuantizeShape(cols, tokens), new PlainActivations(x), q.Words.View, q.Scales.View, q.Sums.View, cols, blockUnits);

    /// <summary>RMSNorm(x) * weight [tokens, cols] quantized as <see cref="Quantize"/> does, without writing the normed values.</summary>
    public void QuantizeNormed(ArrayView<float> x, ArrayView<float> weight, float eps, int cols, int tokens, int blockUnits, QuantizedActivations q) =>
        _quantizeNormed!(QuantizeShape(cols, tokens), new NormedActivations(x, weight, eps), q.Words.View, q.Scales.View, q.Sums.View, cols, blockUnits);

    /// <summary>silu(gate) * up [tokens, cols] quantized as <see cref="Quantize"/> does, without writing the gated values.</summary>
    public void QuantizeGated(ArrayView<float> gate, ArrayView<float> up, int cols, int tokens, int blockUnits, QuantizedActivations q) =>
        _quantizeGated!(QuantizeShape(cols, tokens), new GatedActivations(gate, up), q.Words.View, q.Scales.View, q.Sums.View, cols, blockUnits);

    private static KernelConfig QuantizeShape(int cols, int tokens) =>
        new(new Index2D((cols / 32 + QuantizeActivationsKernel.GroupUnits - 1) / QuantizeActivationsKernel.GroupUnits, tokens), new Index2D(GroupSum.Size, 1));

    public void RmsNorm(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> y, int rows, int n, float eps) =>
        _rmsNorm!(new KernelConfig(rows, GroupSum.Size), x, weight, y, n, eps);

    public void Rope(ArrayView<float> q, ArrayView<float> k, int tokens, int heads, int kvHeads, int headDim, int start, int ropeDims, float freqBase, bool neox) =>
        _rope!(tokens * (heads + kvHeads) * (ropeDims / 2), q, k, heads, kvHeads, headDim, start, ropeDims, MathF.Pow(freqBase, -2f / ropeDims), neox ? 1 : 0);

    public void KvStore(ArrayView<float> k, ArrayView<float> v, ArrayView<ushort> keys, ArrayView<ushort> values, int start, int tokens, int kvDim) =>
        _kvStore!(tokens * kvDim, k, v, keys, values, start, kvDim);

    public void Attention(ArrayView<float> q, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<float> output, int start, int tokens, int heads, int kvHeads, int headDim) =>
        _attention!(new KernelConfig(AttentionKernel.Groups(tokens, heads), GroupSum.Size), q, keys, values, output, start, tokens, heads, kvHeads, headDim, 1f / MathF.Sqrt(headDim));

    public void SwiGlu(ArrayView<float> gate, ArrayView<float> up, int n) => _swiGlu!(n, gate, up);

    public void BiasAdd(ArrayView<float> y, ArrayView<float> bias, int tokens, int width) => _biasAdd!(tokens * width, y, bias, width);
}
