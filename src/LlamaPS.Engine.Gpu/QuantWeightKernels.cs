using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Gpu.Cuda;
using LlamaPS.Engine.Gpu.Formats;
using LlamaPS.Engine.Gpu.Kernels;
using LlamaPS.Engine.Gpu.Kernels.Cuda;

namespace LlamaPS.Engine.Gpu;

/// <summary>The kernels and the repacking of one quantized type, <typeparamref name="TFormat"/>.</summary>
internal sealed class QuantWeightKernels<TFormat>(GgmlType type, int activationBlockUnits) : WeightKernels
    where TFormat : struct, IQuantFormat
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>? _gemv;
    private Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int>? _gemmUnits, _gemmQuads;
    private Action<AcceleratorStream, KernelConfig, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<float>, int, int, int>? _gemvWide;
    private Action<AcceleratorStream, Index1D, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? _gather;
    private int _tileRows, _tileTokens;

    private static readonly int RowsPerGroup = QuantGemvKernel.RowsPerGroup(default(TFormat).StoredWords);

    public override GgmlType Type => type;
    public override int ActivationBlockUnits => activationBlockUnits;

    public override void Compile(Accelerator accelerator)
    {
        _gemv = accelerator.LoadKernel<ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(QuantGemvKernel.Run<TFormat>);
        // Tensor cores where the device has them; the integer-ALU tiles everywhere else (and on OpenCL).
        // Each in two staging widths (IStagingWidth): four units a load for rows of a multiple of 4 units, else one.
        bool tensorCores = GpuBackend.HasTensorCores(accelerator);
        _gemmUnits = tensorCores ? LoadMma<UnitStaging>((CudaAccelerator)accelerator) : accelerator.LoadKernel<ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int>(QuantGemmKernel.Run<TFormat, UnitStaging>);
        _gemmQuads = tensorCores ? LoadMma<QuadStaging>((CudaAccelerator)accelerator) : accelerator.LoadKernel<ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int>(QuantGemmKernel.Run<TFormat, QuadStaging>);
        (_tileRows, _tileTokens) = tensorCores ? (QuantMmaKernel.TileRows, QuantMmaKernel.TileTokens) : (QuantGemmKernel.TileRows, QuantGemmKernel.TileTokens);
        // CUDA's dp4a where the accelerator is CUDA; the portable byte products everywhere else.
        _gemvWide = accelerator is CudaAccelerator cuda
            ? CudaKernelLoader.Load<Action<AcceleratorStream, KernelConfig, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<float>, int, int, int>>(
                cuda, QuantGemvDp4aKernel.Run<TFormat>)
            : accelerator.LoadKernel<ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<Vector4Words>, ArrayView<float>, int, int, int>(QuantGemvWideKernel.Run<TFormat>);
        _gather = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(QuantEmbeddingKernel.Run<TFormat>);
    }

    private static Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int> LoadMma<TWidth>(CudaAccelerator cuda)
        where TWidth : struct, IStagingWidth =>
        CudaKernelLoader.Load<Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<float>, ArrayView<uint>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int>>(
            cuda, QuantMmaKernel.Run<TFormat, TWidth>);

    public override unsafe DeviceMatrix Upload(Accelerator accelerator, string name, IReadOnlyList<(nint Data, int Rows)> parts, int cols)
    {
        var format = default(TFormat);
        int units = cols / 32, wordsPerUnit = format.StoredWords, scalesPerUnit = format.ScalesPerUnit;
        int rows = parts.Sum(p => p.Rows);
        long rowBytes = GgmlTypeTraits.RowBytes(type, cols);
        var words = new uint[(long)rows * units * wordsPerUnit];
        var scales = new float[(long)rows * units * scalesPerUnit];
        int first = 0;
        foreach (var (data, count) in parts)
        {
            int offset = first;
            Parallel.For(0, count, r =>
            {
                var row = new ReadOnlySpan<byte>((byte*)data + r * rowBytes, checked((int)rowBytes));
                Span<uint> w = stackalloc uint[8];
                Span<float> s = stackalloc float[2];
                var f = default(TFormat);
                long at = offset + r;
                for (int u = 0; u < units; u++)
                {
                    f.Pack(row, u, w, s);
                    for (int j = 0; j < wordsPerUnit; j++) words[(at * wordsPerUnit + j) * units + u] = w[j];
                    for (int j = 0; j < scalesPerUnit; j++) scales[(at * scalesPerUnit + j) * units + u] = s[j];
                }
            });
            first += count;
        }
        var wordBuffer = accelerator.Allocate1D(words);
        try
        {
            var scaleBuffer = accelerator.Allocate1D(scales);
            return new DeviceMatrix(name, this, rows, cols, units * wordsPerUnit, units * scalesPerUnit, wordBuffer.View, scaleBuffer.View, wordBuffer, scaleBuffer);
        }
        catch
        {
            wordBuffer.Dispose();
            throw;
        }
    }

    public override void Multiply(AcceleratorStream stream, DeviceMatrix w, ArrayView<float> x, QuantizedActivations quantized, ArrayView<float> y, int tokens, bool accumulate, bool vectorKernel)
    {
        if (vectorKernel && w.Units % 4 == 0)
            _gemvWide!(stream, new KernelConfig((w.Rows + QuantGemvWideKernel.RowsPerGroup - 1) / QuantGemvWideKernel.RowsPerGroup, GroupSum.Size),
                w.Words.Cast<Vector4Words>(), w.Scales.Cast<Vector4Words>(), quantized.Words.View.AsContiguous().Cast<Vector4Words>(),
                quantized.Scales.View.AsContiguous().Cast<Vector4Words>(), quantized.Sums.View.AsContiguous().Cast<Vector4Words>(), y, w.Rows, w.Units, accumulate ? 1 : 0);
        else if (vectorKernel)
            _gemv!(stream, new KernelConfig((w.Rows + RowsPerGroup - 1) / RowsPerGroup, GroupSum.Size),
                w.Words, w.Scales, quantized.Words.View, quantized.Scales.View, quantized.Sums.View, y, w.Rows, w.Units, accumulate ? 1 : 0);
        else
            (w.Units % 4 == 0 ? _gemmQuads : _gemmUnits)!(stream, new KernelConfig(new Index2D((w.Rows + _tileRows - 1) / _tileRows, (tokens + _tileTokens - 1) / _tileTokens), new Index2D(GroupSum.Size, 1)),
                w.Words, w.Scales, quantized.Words.View, quantized.Scales.View, quantized.Sums.View, y, w.Rows, w.Units, tokens, accumulate ? 1 : 0);
    }

    public override void Gather(AcceleratorStream stream, DeviceMatrix w, ArrayView<int> ids, ArrayView<float> x, int tokens) =>
        _gather!(stream, tokens * w.Units, w.Words, w.Scales, ids, x, w.Units);
}
