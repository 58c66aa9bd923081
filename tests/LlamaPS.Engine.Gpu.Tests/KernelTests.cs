using System.Runtime.InteropServices;
using ILGPU.Runtime;
using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// Every GPU kernel and weight type against the CPU engine's references (its scalar dot products, dequantization
/// and operators), by normalized error ||gpu - cpu|| / ||cpu||, on awkward sizes: row counts that fill no tile,
/// columns that end mid-step, token counts past one tile. Subclassed per accelerator.
/// Quantized products do the CPU's integer arithmetic on the same 8-bit activations, so only the order of f32
/// additions differs: 1e-5 is a thousand times f32's rounding yet far below one quantization step.
/// </summary>
public abstract unsafe class KernelTests
{
    private const double Tolerance = 1e-5;

    protected abstract string Kind { get; }

    private Accelerator Accelerator => TestDevice.Get(Kind);

    public static TheoryData<GgmlType, int, int, int, bool> Products()
    {
        var data = new TheoryData<GgmlType, int, int, int, bool>();
        foreach (var type in WeightKernels.SupportedTypes)
        {
            int block = GgmlTypeTraits.BlockSize(type);
            // Columns: 3 blocks (a partial step for 32-blocks), or 2 super-blocks; floats end mid-step.
            int cols = block == 1 ? 98 : block == 32 ? 96 : 512;
            data.Add(type, 67, cols, 1, true);
            // Quantized rows of more than 128 units, a multiple of 4: the wide matrix-vector kernel, its threads
            // striding past the first 32 quads of units.
            if (block == 32) data.Add(type, 67, 32 * 4 * 33, 1, true);
            if (block == 256) data.Add(type, 67, 256 * 17, 1, true);
            foreach (int tokens in new[] { 1, 3, 37 })
                data.Add(type, 67, cols, tokens, false);
            // Units a multiple of 4 but not of a tile step's 8: the tiles' 16-byte staging with a half-empty last step.
            if (block == 32) data.Add(type, 67, 32 * 12, 37, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void MatrixProductMatchesCpuReference(GgmlType type, int rows, int cols, int tokens, bool vectorKernel)
    {
        var random = new Random(rows * 31 + cols + tokens);
        byte[] weights = RandomMatrix(type, rows, cols, random);
        float[] x = RandomFloats(tokens * cols, random);
        float[] bias = RandomFloats(tokens * rows, random);

        var cpu = Cpu.Kernels.WeightKernel.For(type)!;
        int actBytes = cpu.Activation.RowBytes(cols);
        var expected = new float[tokens * rows];
        var act = new byte[actBytes];
        long rowBytes = GgmlTypeTraits.RowBytes(type, cols);
        fixed (byte* w = weights)
        fixed (byte* a = act)
            for (int t = 0; t < tokens; t++)
            {
                cpu.Activation.Convert(x.AsSpan(t * cols, cols), act);
                for (int r = 0; r < rows; r++) expected[t * rows + r] = bias[t * rows + r] + cpu.DotScalar(w + r * rowBytes, a, cols);
            }

        var acc = Accelerator;
        var kernels = WeightKernels.Create(type)!;
        kernels.Compile(acc);
        // Uploaded as a stack of two parts (rows 0..29 and 30..), as q, k and v are.
        using var matrix = Upload(kernels, acc, weights, rows, cols, split: 30);
        using var xs = acc.Allocate1D(x);
        using var y = acc.Allocate1D(bias);
        using var quantized = new QuantizedActivations(acc, tokens, cols);
        var ops = new OperatorKernels();
        ops.Compile(acc);
        if (kernels.ActivationBlockUnits != 0) ops.Quantize(acc.DefaultStream, xs.View, cols, tokens, kernels.ActivationBlockUnits, quantized);
        kernels.Multiply(acc.DefaultStream, matrix, xs.View, quantized, y.View, tokens, accumulate: true, vectorKernel);
        string what = $"{type} [{rows}, {cols}] x {tokens} tokens ({(vectorKernel ? "matrix-vector" : "matrix-matrix")})";
        AssertClose(expected, y.GetAsArray1D(), Tolerance, what);

        // The second part alone, a slice of the stack: y2 [tokens, rows - 30].
        var part = matrix.Slice("part", 30, rows - 30);
        using var y2 = acc.Allocate1D<float>(tokens * part.Rows);
        kernels.Multiply(acc.DefaultStream, part, xs.View, quantized, y2.View, tokens, accumulate: false, vectorKernel);
        var expectedPart = new float[tokens * part.Rows];
        for (int t = 0; t < tokens; t++)
            for (int r = 0; r < part.Rows; r++) expectedPart[t * part.Rows + r] = expected[t * rows + 30 + r] - bias[t * rows + 30 + r];
        AssertClose(expectedPart, y2.GetAsArray1D(), Tolerance, what + ", rows 30.. as a slice");
    }

    public static TheoryData<GgmlType> Types() => new(WeightKernels.SupportedTypes);

    [Theory]
    [MemberData(nameof(Types))]
    public void GatherMatchesDequantize(GgmlType type)
    {
        int rows = 9, cols = GgmlTypeTraits.BlockSize(type) == 256 ? 512 : 96;
        var random = new Random(5);
        byte[] weights = RandomMatrix(type, rows, cols, random);
        int[] ids = [7, 0, 8, 7];
        var expected = new float[ids.Length * cols];
        var cpu = Cpu.Kernels.WeightKernel.For(type)!;
        long rowBytes = GgmlTypeTraits.RowBytes(type, cols);
        fixed (byte* w = weights)
            for (int t = 0; t < ids.Length; t++) cpu.DequantizeRow(w + ids[t] * rowBytes, expected.AsSpan(t * cols, cols));

        var acc = Accelerator;
        var kernels = WeightKernels.Create(type)!;
        kernels.Compile(acc);
        using var matrix = Upload(kernels, acc, weights, rows, cols);
        using var idBuffer = acc.Allocate1D(ids);
        using var x = acc.Allocate1D<float>(expected.Length);
        kernels.Gather(acc.DefaultStream, matrix, idBuffer.View, x.View, ids.Length);
        AssertClose(expected, x.GetAsArray1D(), 0, $"{type} rows");
    }

    [Theory]
    [InlineData(1, 256)]
    [InlineData(8, 512)]
    [InlineData(1, 96)]
    public void QuantizedActivationsMatchGgmlQuantizers(int blockUnits, int cols)
    {
        const int tokens = 3;
        var random = new Random(blockUnits + cols);
        float[] x = RandomFloats(tokens * cols, random);
        x[5] = 0.5f * x[6]; // a tie for the rounding
        Array.Clear(x, cols, 32); // an all-zero unit (token 1's first)
        int units = cols / 32;
        var acc = Accelerator;
        var ops = new OperatorKernels();
        ops.Compile(acc);
        using var xs = acc.Allocate1D(x);
        using var q = new QuantizedActivations(acc, tokens, cols);
        ops.Quantize(acc.DefaultStream, xs.View, cols, tokens, blockUnits, q);
        uint[] words = q.Words.GetAsArray1D();
        float[] scales = q.Scales.GetAsArray1D();
        int[] sums = q.Sums.GetAsArray1D();
        for (int t = 0; t < tokens; t++)
        {
            var row = x.AsSpan(t * cols, cols);
            sbyte[] values = new sbyte[cols];
            float[] unitScales = new float[units];
            if (blockUnits == 8)
            {
                var blocks = new BlockQ8_K[cols / 256];
                BlockQ8_K.QuantizeRow(row, blocks);
                for (int i = 0; i < cols; i++) values[i] = blocks[i / 256].Qs[i % 256];
                for (int u = 0; u < units; u++) unitScales[u] = blocks[u / 8].D;
            }
            else
            {
                var blocks = new BlockQ8_0[units];
                BlockQ8_0.QuantizeRowScalar(row, blocks);
                for (int i = 0; i < cols; i++) values[i] = blocks[i / 32].Qs[i % 32];
                for (int u = 0; u < units; u++) unitScales[u] = Fp16.HalfToSingle(blocks[u].D);
            }
            for (int u = 0; u < units; u++)
            {
                Assert.Equal(unitScales[u], scales[t * units + u]);
                int sum = 0;
                for (int i = 0; i < 32; i++)
                {
                    uint word = words[((long)t * 8 + i / 4) * units + u];
                    Assert.Equal(values[u * 32 + i], (sbyte)(word >> (8 * (i % 4))));
                    sum += values[u * 32 + i];
                }
                Assert.Equal(sum, sums[t * units + u]);
            }
        }
    }

    [Theory]
    [InlineData(1, 96)]
    [InlineData(8, 4608)]
    public void FusedQuantizationsEqualNormOrGatingThenQuantize(int blockUnits, int cols)
    {
        // The norm and the gating computed as the values are read must give exactly what the separate kernels write
        // and the plain quantization then makes of it: the same expressions, only not stored in between.
        const int tokens = 3;
        var random = new Random(cols);
        float[] x = RandomFloats(tokens * cols, random), weight = RandomFloats(cols, random), up = RandomFloats(tokens * cols, random);
        var acc = Accelerator;
        var ops = Operators(acc);
        using var xs = acc.Allocate1D(x);
        using var ws = acc.Allocate1D(weight);
        using var ups = acc.Allocate1D(up);
        using var staged = acc.Allocate1D<float>(x.Length);
        using var expected = new QuantizedActivations(acc, tokens, cols);
        using var fused = new QuantizedActivations(acc, tokens, cols);

        ops.RmsNorm(acc.DefaultStream, xs.View, ws.View, staged.View, tokens, cols, 1e-5f);
        ops.Quantize(acc.DefaultStream, staged.View, cols, tokens, blockUnits, expected);
        ops.QuantizeNormed(acc.DefaultStream, xs.View, ws.View, 1e-5f, cols, tokens, blockUnits, fused);
        AssertSameQuantization(expected, fused, "normed");

        staged.View.CopyFromCPU(x);
        ops.SwiGlu(acc.DefaultStream, staged.View, ups.View, x.Length);
        ops.Quantize(acc.DefaultStream, staged.View, cols, tokens, blockUnits, expected);
        ops.QuantizeGated(acc.DefaultStream, xs.View, ups.View, cols, tokens, blockUnits, fused);
        AssertSameQuantization(expected, fused, "gated");
    }

    private static void AssertSameQuantization(QuantizedActivations expected, QuantizedActivations actual, string what)
    {
        Assert.True(expected.Words.GetAsArray1D().SequenceEqual(actual.Words.GetAsArray1D()), $"{what}: words differ");
        Assert.True(expected.Scales.GetAsArray1D().SequenceEqual(actual.Scales.GetAsArray1D()), $"{what}: scales differ");
        Assert.True(expected.Sums.GetAsArray1D().SequenceEqual(actual.Sums.GetAsArray1D()), $"{what}: sums differ");
    }

    [Fact]
    public void RmsNormMatchesCpu()
    {
        const int rows = 3, n = 300;
        var random = new Random(11);
        float[] x = RandomFloats(rows * n, random), w = RandomFloats(n, random), expected = new float[rows * n];
        fixed (float* xp = x, wp = w, ep = expected) RmsNorm.Compute(xp, wp, ep, rows, n, 1e-5f);
        var acc = Accelerator;
        var ops = Operators(acc);
        using var xs = acc.Allocate1D(x);
        using var ws = acc.Allocate1D(w);
        using var y = acc.Allocate1D<float>(x.Length);
        ops.RmsNorm(acc.DefaultStream, xs.View, ws.View, y.View, rows, n, 1e-5f);
        AssertClose(expected, y.GetAsArray1D(), Tolerance, "rms norm");
    }

    [Theory]
    [InlineData(RopeStyle.Normal, 64)]
    [InlineData(RopeStyle.Neox, 64)]
    [InlineData(RopeStyle.Neox, 32)]
    public void RopeMatchesCpu(RopeStyle style, int ropeDims)
    {
        const int tokens = 5, heads = 4, kvHeads = 2, headDim = 64, start = 1000;
        var random = new Random(ropeDims);
        float[] q = RandomFloats(tokens * heads * headDim, random), k = RandomFloats(tokens * kvHeads * headDim, random);
        float[] eq = (float[])q.Clone(), ek = (float[])k.Clone();
        fixed (float* qp = eq, kp = ek)
        {
            var rope = new RopeConfig { Style = style, Dimensions = ropeDims, FreqBase = 10000f };
            Rope.Apply(qp, tokens, heads, headDim, start, rope, null);
            Rope.Apply(kp, tokens, kvHeads, headDim, start, rope, null);
        }
        var acc = Accelerator;
        var ops = Operators(acc);
        using var qs = acc.Allocate1D(q);
        using var ks = acc.Allocate1D(k);
        using var position = acc.Allocate1D([start]);
        ops.Rope(acc.DefaultStream, qs.View, ks.View, tokens, heads, kvHeads, headDim, position.View, ropeDims, 10000f, style == RopeStyle.Neox);
        // cos and sin of angles up to 1000 differ by an ulp or so between math libraries.
        AssertClose(eq, qs.GetAsArray1D(), 1e-5, "rope q");
        AssertClose(ek, ks.GetAsArray1D(), 1e-5, "rope k");
    }

    [Fact]
    public void AttentionMatchesCpu()
    {
        // Two calls, as a prompt and then a generated token: 40 cached positions, 8 heads sharing 2 kv heads.
        const int heads = 8, kvHeads = 2, headDim = 72, kvDim = kvHeads * headDim, prompt = 39, capacity = 48;
        var random = new Random(3);
        using var cache = new KvCache(1, capacity, kvDim);
        using var pool = new WorkerPool(2);
        var acc = Accelerator;
        var ops = Operators(acc);
        using var keys = acc.Allocate1D<ushort>(capacity * kvDim);
        using var values = acc.Allocate1D<ushort>(capacity * kvDim);
        foreach (var (start, tokens) in new[] { (0, prompt), (prompt, 1) })
        {
            float[] q = RandomFloats(tokens * heads * headDim, random), k = RandomFloats(tokens * kvDim, random), v = RandomFloats(tokens * kvDim, random);
            var expected = new float[q.Length];
            fixed (float* qp = q, kp = k, vp = v, ep = expected)
            {
                cache.Store(0, start, tokens, kp, vp);
                Attention.Compute(qp, cache, 0, ep, start, tokens, new AttentionParameters(heads, kvHeads, headDim, 1f / MathF.Sqrt(headDim), 0, 0), pool);
            }
            using var qs = acc.Allocate1D(q);
            using var ks = acc.Allocate1D(k);
            using var vs = acc.Allocate1D(v);
            using var output = acc.Allocate1D<float>(q.Length);
            using var position = acc.Allocate1D([start]);
            ops.KvStore(acc.DefaultStream, ks.View, vs.View, keys.View, values.View, position.View, tokens, kvDim);
            ops.Attention(acc.DefaultStream, qs.View, keys.View, values.View, output.View, position.View, tokens, heads, kvHeads, headDim);
            var cachedKeys = new ushort[(start + tokens) * kvDim];
            new ReadOnlySpan<ushort>(cache.Keys(0), cachedKeys.Length).CopyTo(cachedKeys);
            Assert.Equal(cachedKeys, keys.GetAsArray1D().AsSpan(0, cachedKeys.Length).ToArray());
            // The f16 accumulator amplifies f32 differences in the scores into whole f16 steps now and then.
            AssertClose(expected, output.GetAsArray1D(), 2e-3, $"attention at {start}");
        }
    }

    [Fact]
    public void SwiGluAndBiasAddMatchCpu()
    {
        const int tokens = 3, width = 77;
        var random = new Random(9);
        float[] gate = RandomFloats(tokens * width, random), up = RandomFloats(tokens * width, random), bias = RandomFloats(width, random);
        float[] expected = (float[])gate.Clone();
        fixed (float* g = expected, u = up) GatedActivation.Compute(FeedForwardActivation.SiLU, g, u, expected.Length);
        for (int i = 0; i < expected.Length; i++) expected[i] += bias[i % width];
        var acc = Accelerator;
        var ops = Operators(acc);
        using var gs = acc.Allocate1D(gate);
        using var us = acc.Allocate1D(up);
        using var bs = acc.Allocate1D(bias);
        ops.SwiGlu(acc.DefaultStream, gs.View, us.View, gate.Length);
        ops.BiasAdd(acc.DefaultStream, gs.View, bs.View, tokens, width);
        AssertClose(expected, gs.GetAsArray1D(), Tolerance, "swiglu + bias");
    }

    [Fact]
    public void HalfConversionsAreExact()
    {
        // Every half, and floats around every rounding boundary, subnormals, overflow and NaN.
        var random = new Random(1);
        var floats = new List<float> { 0f, -0f, 65504f, 65519.99f, 65520f, 1e-8f, 2.98e-8f, 6.1e-5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN };
        for (int i = 0; i < 4096; i++) floats.Add((float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-26, 18))));
        for (int h = 0; h < 65536; h += 7) floats.Add((float)BitConverter.UInt16BitsToHalf((ushort)h) * (1 + 1f / 2048)); // near ties
        var acc = Accelerator;
        var ops = Operators(acc);
        float[] f = [.. floats];
        using var k = acc.Allocate1D(f);
        using var keys = acc.Allocate1D<ushort>(f.Length);
        using var values = acc.Allocate1D<ushort>(f.Length);
        using var position = acc.Allocate1D([0]);
        ops.KvStore(acc.DefaultStream, k.View, k.View, keys.View, values.View, position.View, 1, f.Length);
        ushort[] bits = keys.GetAsArray1D();
        for (int i = 0; i < f.Length; i++)
        {
            ushort expected = BitConverter.HalfToUInt16Bits((Half)f[i]);
            if (float.IsNaN(f[i])) Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(bits[i])));
            else Assert.True(expected == bits[i], $"{f[i]:R}: expected half 0x{expected:X4}, the device made 0x{bits[i]:X4}.");
        }

        // Widening: every half through the F16 gather.
        var all = new byte[65536 * 2];
        for (int h = 0; h < 65536; h++) BitConverter.TryWriteBytes(all.AsSpan(2 * h), (ushort)h);
        var kernels = WeightKernels.Create(GgmlType.F16)!;
        kernels.Compile(acc);
        using var matrix = Upload(kernels, acc, all, 1, 65536);
        using var ids = acc.Allocate1D(new[] { 0 });
        using var x = acc.Allocate1D<float>(65536);
        kernels.Gather(acc.DefaultStream, matrix, ids.View, x.View, 1);
        float[] widened = x.GetAsArray1D();
        for (int h = 0; h < 65536; h++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)h);
            Assert.True(expected.Equals(widened[h]), $"half 0x{h:X4}: expected {expected:R}, the device made {widened[h]:R}.");
        }
    }

    private static OperatorKernels Operators(Accelerator acc)
    {
        var ops = new OperatorKernels();
        ops.Compile(acc);
        return ops;
    }

    /// <summary>Uploads a matrix, as a stack of two parts when <paramref name="split"/> is inside it.</summary>
    private static DeviceMatrix Upload(WeightKernels kernels, Accelerator acc, byte[] weights, int rows, int cols, int split = 0)
    {
        long rowBytes = GgmlTypeTraits.RowBytes(kernels.Type, cols);
        fixed (byte* w = weights)
            return split > 0 && split < rows
                ? kernels.Upload(acc, "test", [((nint)w, split), ((nint)(w + split * rowBytes), rows - split)], cols)
                : kernels.Upload(acc, "test", [((nint)w, rows)], cols);
    }

    private static byte[] RandomMatrix(GgmlType type, int rows, int cols, Random random)
    {
        var bytes = new byte[GgmlTypeTraits.RowBytes(type, cols) * rows];
        RandomWeights.Fill(type, bytes, random);
        return bytes;
    }

    private static float[] RandomFloats(int n, Random random) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            diff += (actual[i] - (double)expected[i]) * (actual[i] - (double)expected[i]);
            norm += (double)expected[i] * expected[i];
        }
        double error = norm == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / norm);
        Assert.True(error <= tolerance, $"{what}: normalized error {error:E3} exceeds {tolerance:E1}.");
    }
}

public sealed class IlgpuCpuWarp32KernelTests : KernelTests
{
    protected override string Kind => "cpu32";
}

public sealed class IlgpuCpuWarp64KernelTests : KernelTests
{
    protected override string Kind => "cpu64";
}

public sealed class CudaKernelTests : KernelTests
{
    protected override string Kind => "cuda";
}

public sealed class OpenClKernelTests : KernelTests
{
    protected override string Kind => "opencl";
}
