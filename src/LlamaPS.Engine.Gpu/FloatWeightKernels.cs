using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Gpu.Formats;
using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu;

/// <summary>The kernels of one float type, <typeparamref name="TFormat"/>; its GGUF rows are copied to the device as they are.</summary>
internal sealed class FloatWeightKernels<TFormat>(GgmlType type) : WeightKernels
    where TFormat : struct, IFloatFormat
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, int, int>? _gemv;
    private Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, int, int, int>? _gemm;
    private Action<AcceleratorStream, Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<float>, int>? _gather;

    public override GgmlType Type => type;
    public override int ActivationBlockUnits => 0;

    public override void Compile(Accelerator accelerator)
    {
        _gemv = accelerator.LoadKernel<ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, int, int>(FloatGemvKernel.Run<TFormat>);
        _gemm = accelerator.LoadKernel<ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, int, int, int>(FloatGemmKernel.Run<TFormat>);
        _gather = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, ArrayView<int>, ArrayView<float>, int>(FloatEmbeddingKernel.Run<TFormat>);
    }

    public override unsafe DeviceMatrix Upload(Accelerator accelerator, string name, IReadOnlyList<(nint Data, int Rows)> parts, int cols)
    {
        int rowWords = checked((int)(GgmlTypeTraits.RowBytes(type, cols) / 4)), rows = parts.Sum(p => p.Rows);
        var buffer = accelerator.Allocate1D<uint>((long)rows * rowWords);
        long at = 0;
        foreach (var (data, count) in parts)
        {
            buffer.View.SubView(at, (long)count * rowWords).CopyFromCPU(ref *(uint*)data, (long)count * rowWords);
            at += (long)count * rowWords;
        }
        return new DeviceMatrix(name, this, rows, cols, rowWords, 0, buffer.View, default, buffer);
    }

    public override void Multiply(AcceleratorStream stream, DeviceMatrix w, ArrayView<float> x, QuantizedActivations quantized, ArrayView<float> y, int tokens, bool accumulate, bool vectorKernel)
    {
        if (vectorKernel)
            _gemv!(stream, new KernelConfig((w.Rows + FloatGemvKernel.RowsPerGroup - 1) / FloatGemvKernel.RowsPerGroup, GroupSum.Size),
                w.Words, x, y, w.Rows, w.Cols, accumulate ? 1 : 0);
        else
            _gemm!(stream, new KernelConfig(new Index2D((w.Rows + QuantGemmKernel.TileRows - 1) / QuantGemmKernel.TileRows, (tokens + QuantGemmKernel.TileTokens - 1) / QuantGemmKernel.TileTokens), new Index2D(GroupSum.Size, 1)),
                w.Words, x, y, w.Rows, w.Cols, tokens, accumulate ? 1 : 0);
    }

    public override void Gather(AcceleratorStream stream, DeviceMatrix w, ArrayView<int> ids, ArrayView<float> x, int tokens) =>
        _gather!(stream, tokens * (w.Cols / default(TFormat).ElementsPerWord), w.Words, ids, x, w.Cols);
}
