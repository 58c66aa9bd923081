using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// The kernels of a forward pass other than the weight products, loaded on one accelerator by <see cref="Compile"/>,
/// each behind a method that sets its launch shape. Every call is queued on the stream given and returns at once.
/// Where a position enters (RoPE, the KV cache, attention) it is read from device memory, so that a recorded
/// sequence of launches (a CUDA graph) stays valid from one token to the next.
/// </summary>
internal sealed class OperatorKernels
{
    private Action<AcceleratorStream, KernelConfig, PlainActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>? _quantize;
    private Action<AcceleratorStream, KernelConfig, NormedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>? _quantizeNormed;
    private Action<AcceleratorStream, KernelConfig, GatedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>? _quantizeGated;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>? _rmsNorm;
    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, ArrayView<int>, int, float, int>? _rope;
    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<ushort>, ArrayView<ushort>, ArrayView<int>, int>? _kvStore;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<uint>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int, int, int, float>? _attention;
    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>>? _swiGlu;
    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>? _biasAdd;

    public void Compile(Accelerator accelerator)
    {
        _quantize = accelerator.LoadKernel<PlainActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>(QuantizeActivationsKernel.Run);
        _quantizeNormed = accelerator.LoadKernel<NormedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>(QuantizeActivationsKernel.Run);
        _quantizeGated = accelerator.LoadKernel<GatedActivations, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int>(QuantizeActivationsKernel.Run);
        _rmsNorm = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(RmsNormKernel.Run);
        _rope = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, ArrayView<int>, int, float, int>(RopeKernel.Run);
        _kvStore = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<ushort>, ArrayView<ushort>, ArrayView<int>, int>(KvStoreKernel.Run);
        _attention = accelerator.LoadKernel<ArrayView<float>, ArrayView<uint>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, int, int, int, int, float>(AttentionKernel.Run);
        _swiGlu = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>>(SwiGluKernel.Run);
        _biasAdd = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(BiasAddKernel.Run);
    }

    /// <summary>x [tokens, cols] to 8-bit units with <paramref name="blockUnits"/> units a scale (1: Q8_0, 8: Q8_K).</summary>
    public void Quantize(AcceleratorStream stream, ArrayView<float> x, int cols, int tokens, int blockUnits, QuantizedActivations q) =>
        _quantize!(stream, QuantizeShape(cols, tokens), new PlainActivations(x), q.Words.View, q.Scales.View, q.Sums.View, cols, blockUnits);

    /// <summary>RMSNorm(x) * weight [tokens, cols] quantized as <see cref="Quantize"/> does, without writing the normed values.</summary>
    public void QuantizeNormed(AcceleratorStream stream, ArrayView<float> x, ArrayView<float> weight, float eps, int cols, int tokens, int blockUnits, QuantizedActivations q) =>
        _quantizeNormed!(stream, QuantizeShape(cols, tokens), new NormedActivations(x, weight, eps), q.Words.View, q.Scales.View, q.Sums.View, cols, blockUnits);

    /// <summary>silu(gate) * up [tokens, cols] quantized as <see cref="Quantize"/> does, without writing the gated values.</summary>
    public void QuantizeGated(AcceleratorStream stream, ArrayView<float> gate, ArrayView<float> up, int cols, int tokens, int blockUnits, QuantizedActivations q) =>
        _quantizeGated!(stream, QuantizeShape(cols, tokens), new GatedActivations(gate, up), q.Words.View, q.Scales.View, q.Sums.View, cols, blockUnits);

    private static KernelConfig QuantizeShape(int cols, int tokens) =>
        new(new Index2D((cols / 32 + QuantizeActivationsKernel.GroupUnits - 1) / QuantizeActivationsKernel.GroupUnits, tokens), new Index2D(GroupSum.Size, 1));

    public void RmsNorm(AcceleratorStream stream, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> y, int rows, int n, float eps) =>
        _rmsNorm!(stream, new KernelConfig(rows, GroupSum.Size), x, weight, y, n, eps);

    public void Rope(AcceleratorStream stream, ArrayView<float> q, ArrayView<float> k, int tokens, int heads, int kvHeads, int headDim, ArrayView<int> position, int ropeDims, float freqBase, bool neox) =>
        _rope!(stream, tokens * (heads + kvHeads) * (ropeDims / 2), q, k, heads, kvHeads, headDim, position, ropeDims, MathF.Pow(freqBase, -2f / ropeDims), neox ? 1 : 0);

    public void KvStore(AcceleratorStream stream, ArrayView<float> k, ArrayView<float> v, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<int> position, int tokens, int kvDim) =>
        _kvStore!(stream, tokens * kvDim, k, v, keys, values, position, kvDim);

    public void Attention(AcceleratorStream stream, ArrayView<float> q, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<float> output, ArrayView<int> position, int tokens, int heads, int kvHeads, int headDim) =>
        _attention!(stream, new KernelConfig(AttentionKernel.Groups(tokens, heads), GroupSum.Size), q, keys.Cast<uint>(), values.Cast<uint>(), output, position, tokens, heads, kvHeads, headDim, 1f / MathF.Sqrt(headDim));

    public void SwiGlu(AcceleratorStream stream, ArrayView<float> gate, ArrayView<float> up, int n) => _swiGlu!(stream, n, gate, up);

    public void BiasAdd(AcceleratorStream stream, ArrayView<float> y, ArrayView<float> bias, int tokens, int width) => _biasAdd!(stream, tokens * width, y, bias, width);
}
