using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Gpu.Formats;
using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu;

/// <summary>The kernels and the repacking of one quantized type, <typeparamref name="TFormat"/>.</summary>
internal sealed class QuantWeightKernels<TFormat>(GgmlType type, int activationBlockUnits) : WeightKernels
    where TFormat : struct, IQuantFormat
{
    private Action<KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>? _gemv;
    private Action<KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int>? _gemm;
    private Action<Index1D, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? _gather;

    public override GgmlType Type => type;
    public override int ActivationBlockUnits => activationBlockUnits;

    public override void Compile(Accelerator accelerator)
    {
        _gemv = accelerator.LoadStreamKernel<ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(QuantGemvKernel.Run<TFormat>);
        _gemm = accelerator.LoadStreamKernel<ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int>(QuantGemmKernel.Run<TFormat>);
        _gather = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(QuantEmbeddingKernel.Run<TFormat>);
    }

    public override unsafe DeviceMatrix Upload(Accelerator accelerator, string name, byte* data, int rows, int cols)
    {
        var format = default(TFormat);
        int units = cols / 32, wordsPerUnit = format.StoredWords, scalesPerUnit = format.ScalesPerUnit;
        long rowBytes = GgmlTypeTraits.RowBytes(type, cols);
        var words = new uint[(long)rows * units * wordsPerUnit];
        var scales = new float[(long)rows * units * scalesPerUnit];
        nint basePointer = (nint)data;
        Parallel.For(0, rows, r =>
        {
            var row = new ReadOnlySpan<byte>((byte*)basePointer + r * rowBytes, checked((int)rowBytes));
            Span<uint> w = stackalloc uint[8];
            Span<float> s = stackalloc float[2];
            var f = default(TFormat);
            for (int u = 0; u < units; u++)
            {
                f.Pack(row, u, w, s);
                for (int j = 0; j < wordsPerUnit; j++) words[((long)r * wordsPerUnit + j) * units + u] = w[j];
                for (int j = 0; j < scalesPerUnit; j++) scales[((long)r * scalesPerUnit + j) * units + u] = s[j];
            }
        });
        var wordBuffer = accelerator.Allocate1D(words);
        try
        {
            return new DeviceMatrix(name, this, rows, cols, wordBuffer, accelerator.Allocate1D(scales));
        }
        catch
        {
            wordBuffer.Dispose();
            throw;
        }
    }

    public override void Multiply(DeviceMatrix w, ArrayView<float> x, QuantizedActivations quantized, ArrayView<float> y, int tokens, bool accumulate, bool vectorKernel)
    {
        if (vectorKernel)
            _gemv!(new KernelConfig((w.Rows + QuantGemvKernel.RowsPerGroup - 1) / QuantGemvKernel.RowsPerGroup, GroupSum.Size),
                w.Words.View, w.Scales!.View, quantized.Words.View, quantized.Scales.View, quantized.Sums.View, y, w.Rows, w.Units, accumulate ? 1 : 0);
        else
            _gemm!(new KernelConfig(new Index2D((w.Rows + QuantGemmKernel.TileRows - 1) / QuantGemmKernel.TileRows, (tokens + QuantGemmKernel.TileTokens - 1) / QuantGemmKernel.TileTokens), new Index2D(GroupSum.Size, 1)),
                w.Words.View, w.Scales!.View, quantized.Words.View, quantized.Scales.View, quantized.Sums.View, y, w.Rows, w.Units, tokens, accumulate ? 1 : 0);
    }

    public override void Gather(DeviceMatrix w, ArrayView<int> ids, ArrayView<float> x, int tokens) =>
        _gather!(tokens * w.Units, w.Words.View, w.Scales!.View, ids, x, w.Units);
}
