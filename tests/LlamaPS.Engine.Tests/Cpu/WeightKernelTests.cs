using System.Runtime.CompilerServices;
using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Cpu.Kernels;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Tests.Cpu;

/// <summary>
/// Every weight kernel against its scalar expression on random data of awkward lengths (fixed seeds), and the
/// scalar expression against plain f32 arithmetic on the dequantized weights and activations.
/// </summary>
public unsafe class WeightKernelTests
{
    private static IEnumerable<(GgmlType Type, int N)> Sizes() =>
        from type in WeightKernel.SupportedTypes
        let block = GgmlTypeTraits.BlockSize(type)
        from n in block == 1 ? [1, 7, 15, 33, 100, 257, 1023] : block == 32 ? new[] { 32, 96, 160, 288, 4064 } : [256, 768, 2816]
        select (type, n);

    public static TheoryData<GgmlType, int> Cases()
    {
        var data = new TheoryData<GgmlType, int>();
        foreach (var (type, n) in Sizes()) data.Add(type, n);
        return data;
    }

    public static TheoryData<GgmlType, int, SimdPath> PathCases()
    {
        var data = new TheoryData<GgmlType, int, SimdPath>();
        foreach (var (type, n) in Sizes())
            foreach (var path in WeightKernel.For(type)!.Paths)
                data.Add(type, n, path);
        return data;
    }

    /// <summary>
    /// Every kernel but Q4_0's and Q8_0's, whose one-token products keep two sums a row (the multiply-adds of
    /// consecutive block pairs need not wait for each other) and whose tiles keep one.
    /// </summary>
    public static TheoryData<GgmlType, int, SimdPath> BatchInvariantPathCases()
    {
        var data = new TheoryData<GgmlType, int, SimdPath>();
        foreach (var (type, n, path) in PathCases().Select(c => c.Data).Where(c => c.Item1 is not (GgmlType.Q4_0 or GgmlType.Q8_0)))
            data.Add(type, n, path);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathCases))]
    public void EveryVectorPathEqualsScalarDot(GgmlType type, int n, SimdPath path)
    {
        if (!SimdPaths.IsSupported(path)) Assert.Skip($"This CPU has no {path}.");
        var (weights, acts, kernel) = Random(type, n, seed: n);
        fixed (byte* w = weights, a = acts)
        {
            float scalar = kernel.DotScalar(w, a, n);
            float vector = kernel.Dot(w, a, n, path);
            // Integer sums are exact; only the order of the f32 additions differs.
            Assert.True(Math.Abs(vector - scalar) <= 1e-5f * (1 + Math.Abs(scalar)) * Math.Sqrt(n), $"{type} n={n} {path}: vector {vector} scalar {scalar}");
        }
    }

    /// <summary>A one-token product over several rows in one call gives each row's dot product to the bit.</summary>
    [Theory]
    [MemberData(nameof(PathCases))]
    public void DotRowsEqualsDotOfEachRow(GgmlType type, int n, SimdPath path)
    {
        if (!SimdPaths.IsSupported(path)) Assert.Skip($"This CPU has no {path}.");
        const int rows = 5;
        var (weights, acts, kernel) = Random(type, n, seed: n + 1, rows: rows);
        long rowBytes = GgmlTypeTraits.RowBytes(type, n);
        var y = new float[rows];
        fixed (byte* w = weights, a = acts)
        fixed (float* yp = y)
        {
            kernel.DotRows(w, rowBytes, a, n, yp, rows, path);
            for (int r = 0; r < rows; r++)
                Assert.Equal(BitConverter.SingleToInt32Bits(kernel.Dot(w + r * rowBytes, a, n, path)), BitConverter.SingleToInt32Bits(y[r]));
        }
    }

    public static TheoryData<GgmlType, int> AvxVnniCases()
    {
        var data = new TheoryData<GgmlType, int>();
        foreach (var (type, n) in Sizes().Where(c => WeightKernel.For(c.Type)!.Paths.Contains(SimdPath.AvxVnni))) data.Add(type, n);
        return data;
    }

    /// <summary>
    /// AVX-VNNI's vpdpbusd and vpdpwssd give the integers of AVX2's multiply-adds: every kernel that has the path,
    /// one-token products and tiles, to the bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(AvxVnniCases))]
    public void AvxVnniDotEqualsAvx2BitForBit(GgmlType type, int n)
    {
        if (!SimdPaths.IsSupported(SimdPath.AvxVnni)) Assert.Skip("This CPU has no AvxVnni.");
        var (rows, tokens) = WeightKernel.For(type)!.TileFor(SimdPath.AvxVnni, 64);
        var (weights, acts, kernel) = Random(type, n, seed: n, rows: rows, tokens: tokens);
        long rowBytes = GgmlTypeTraits.RowBytes(type, n);
        int actBytes = kernel.Activation.RowBytes(n);
        float[] vnni = new float[rows * tokens], avx2 = new float[rows * tokens];
        fixed (byte* w = weights, a = acts)
        fixed (float* v = vnni, r = avx2)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(kernel.Dot(w, a, n, SimdPath.Avx2)), BitConverter.SingleToInt32Bits(kernel.Dot(w, a, n, SimdPath.AvxVnni)));
            kernel.DotTile(w, rowBytes, a, actBytes, n, v, rows, SimdPath.AvxVnni, 64);
            kernel.DotTile(w, rowBytes, a, actBytes, n, r, rows, SimdPath.Avx2, 64);
        }
        Assert.Equal(avx2, vnni);
    }

    /// <summary>The golden tolerances of the K-quants rely on ggml's f32 order, which their AVX2 paths keep; their AVX-512 paths keep it too.</summary>
    [Theory]
    [InlineData(GgmlType.Q4_K, 256)]
    [InlineData(GgmlType.Q4_K, 2816)]
    [InlineData(GgmlType.Q6_K, 256)]
    [InlineData(GgmlType.Q6_K, 2816)]
    public void Avx512KQuantDotEqualsAvx2BitForBit(GgmlType type, int n)
    {
        if (!SimdPaths.IsSupported(SimdPath.Avx512)) Assert.Skip("This CPU has no Avx512.");
        var (weights, acts, kernel) = Random(type, n, seed: 3 * n);
        fixed (byte* w = weights, a = acts)
            Assert.Equal(BitConverter.SingleToInt32Bits(kernel.Dot(w, a, n, SimdPath.Avx2)), BitConverter.SingleToInt32Bits(kernel.Dot(w, a, n, SimdPath.Avx512)));
    }

    /// <summary>
    /// A prompt tile gives each (row, token) the one-token product to the bit (for the K-quants ggml's f32 order,
    /// which the golden tolerances rely on), so a token's logits do not depend on the batch it came in.
    /// </summary>
    [Theory]
    [MemberData(nameof(BatchInvariantPathCases))]
    public void TilesEqualOneTokenDotsBitForBit(GgmlType type, int n, SimdPath path)
    {
        if (!SimdPaths.IsSupported(path)) Assert.Skip($"This CPU has no {path}.");
        var kernel = WeightKernel.For(type)!;
        var (rows, tokens) = kernel.TileFor(path, 64);
        var (weights, acts, _) = Random(type, n, seed: 2 * n, rows: rows, tokens: tokens);
        long rowBytes = GgmlTypeTraits.RowBytes(type, n);
        int actBytes = kernel.Activation.RowBytes(n);
        var y = new float[rows * tokens];
        fixed (byte* w = weights, a = acts)
        fixed (float* yp = y)
        {
            kernel.DotTile(w, rowBytes, a, actBytes, n, yp, rows, path, 64);
            for (int t = 0; t < tokens; t++)
                for (int r = 0; r < rows; r++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(kernel.Dot(w + r * rowBytes, a + t * actBytes, n, path)), BitConverter.SingleToInt32Bits(y[t * rows + r]));
        }
    }

    /// <summary>
    /// Asked for a path it lacks, a kernel takes its best one below, not the scalar loop: the engine asks for the CPU's
    /// best path. (Caught only where the scalar loop sums in another f32 order; the K-quants' AVX2 paths and scalar
    /// loops agree to the bit.)
    /// </summary>
    [Fact]
    public void KernelsAskedForAPathTheyLackTakeTheirBestOneBelow()
    {
        // Long rows, so that a scalar loop summing in another order shows.
        const int n = 16384;
        var top = SimdPaths.Supported[^1];
        foreach (var type in WeightKernel.SupportedTypes)
        {
            var kernel = WeightKernel.For(type)!;
            if (kernel.Paths.Contains(top)) continue;
            var below = kernel.Paths.Where(p => p < top && SimdPaths.IsSupported(p)).DefaultIfEmpty(SimdPath.Scalar).Max();
            var (weights, acts, _) = Random(type, n, seed: 5);
            fixed (byte* w = weights, a = acts)
            {
                float expected = kernel.Dot(w, a, n, below), actual = kernel.Dot(w, a, n, top);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"{type} on {top}: {actual}, on {below}: {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathCases))]
    public void TilesEqualScalarDots(GgmlType type, int n, SimdPath path)
    {
        if (!SimdPaths.IsSupported(path)) Assert.Skip($"This CPU has no {path}.");
        var kernel = WeightKernel.For(type)!;
        foreach (int productTokens in new[] { 1, 64 })
        {
            var (rows, tokens) = kernel.TileFor(path, productTokens);
            long rowBytes = GgmlTypeTraits.RowBytes(type, n), actBytes = kernel.Activation.RowBytes(n);
            var weights = new byte[rowBytes * rows];
            RandomWeights.Fill(type, weights, new Random(n + 7));
            var acts = new byte[actBytes * tokens];
            for (int t = 0; t < tokens; t++) kernel.Activation.Convert(Activations(n, n + t), acts.AsSpan((int)(t * actBytes), (int)actBytes));
            const int yStride = 5;
            var y = new float[tokens * yStride];
            fixed (byte* w = weights, a = acts)
            fixed (float* yp = y)
            {
                kernel.DotTile(w, rowBytes, a, actBytes, n, yp, yStride, path, productTokens);
                for (int t = 0; t < tokens; t++)
                    for (int r = 0; r < rows; r++)
                    {
                        float scalar = kernel.DotScalar(w + r * rowBytes, a + t * actBytes, n);
                        Assert.True(Math.Abs(y[t * yStride + r] - scalar) <= 1e-5f * (1 + Math.Abs(scalar)) * Math.Sqrt(n),
                            $"{type} {path} {rows}x{tokens} tile for {productTokens} tokens at ({r},{t}): {y[t * yStride + r]} vs {scalar}");
                    }
            }
        }
    }

    /// <summary>
    /// No kernel reads past the end of its weight rows or activation rows: the last row of a tensor can be the last
    /// bytes of a memory-mapped file. Each buffer ends at an inaccessible page, so an overread crashes the run.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathCases))]
    public void KernelsNeverReadPastTheirRows(GgmlType type, int n, SimdPath path)
    {
        if (!SimdPaths.IsSupported(path)) Assert.Skip($"This CPU has no {path}.");
        if (!GuardPage.IsSupported) Assert.Skip("Guard pages need Linux's mmap and mprotect.");
        var kernel = WeightKernel.For(type)!;
        foreach (int productTokens in new[] { 1, 64 })
        {
            var (rows, tokens) = kernel.TileFor(path, productTokens);
            long rowBytes = GgmlTypeTraits.RowBytes(type, n), actBytes = kernel.Activation.RowBytes(n);
            using var weights = new GuardPage((int)(rowBytes * rows));
            using var acts = new GuardPage((int)(actBytes * tokens));
            RandomWeights.Fill(type, weights.Span, new Random(n));
            for (int t = 0; t < tokens; t++) kernel.Activation.Convert(Activations(n, t), acts.Span.Slice((int)(t * actBytes), (int)actBytes));
            var y = new float[tokens * rows];
            fixed (float* yp = y)
            {
                kernel.DotTile(weights.Data, rowBytes, acts.Data, actBytes, n, yp, rows, path, productTokens);
                float last = kernel.Dot(weights.Data + (rows - 1) * rowBytes, acts.Data + (tokens - 1) * actBytes, n, path);
                Assert.Equal(y[(tokens - 1) * rows + rows - 1], last, Math.Abs(last) * 1e-4f + 1e-4f);
            }
        }
    }

    [Fact]
    public void ForcedPathMustBeKnownAndSupported()
    {
        Assert.Equal(SimdPaths.Supported[^1], SimdPaths.Choose(null));
        Assert.Equal(SimdPath.Scalar, SimdPaths.Choose("scalar"));
        Assert.Throws<ArgumentException>(() => SimdPaths.Choose("Avx1024"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScalarDotEqualsF32DotOfDequantizedValues(GgmlType type, int n)
    {
        var (weights, acts, kernel) = Random(type, n, seed: 1000 + n);
        var wf = new float[n];
        var af = Activations(n, 1000 + n);
        fixed (byte* w = weights, a = acts)
        {
            kernel.DequantizeRow(w, wf);
            double exact = 0, magnitude = 0;
            for (int i = 0; i < n; i++)
            {
                exact += (double)wf[i] * af[i];
                magnitude += Math.Abs((double)wf[i] * af[i]);
            }
            float dot = kernel.DotScalar(w, a, n);
            // The activation format's own rounding is the only difference: f32 none, f16 2^-11, bf16 2^-8, 8-bit 1/127.
            double relative = kernel.Activation switch
            {
                ActivationFormat.F32 => 1e-6,
                ActivationFormat.F16Rounded => 1e-3,
                ActivationFormat.BF16Rounded => 8e-3,
                _ => 1.6e-2,
            };
            Assert.True(Math.Abs(dot - exact) <= relative * magnitude + 1e-6, $"{type} n={n}: {dot} vs {exact} (sum |w*a| {magnitude})");
        }
    }

    [Fact]
    public void BlockStructsHaveGgmlSizes()
    {
        Assert.Equal(BlockQ8_0.Bytes, Unsafe.SizeOf<BlockQ8_0>());
        Assert.Equal(BlockQ4_0.Bytes, Unsafe.SizeOf<BlockQ4_0>());
        Assert.Equal(BlockQ6_K.Bytes, Unsafe.SizeOf<BlockQ6_K>());
        Assert.Equal(BlockQ8_K.Bytes, Unsafe.SizeOf<BlockQ8_K>());
        Assert.Equal(BlockQ8_1.Bytes, Unsafe.SizeOf<BlockQ8_1>());
        Assert.Equal(BlockQ4_1.Bytes, Unsafe.SizeOf<BlockQ4_1>());
        Assert.Equal(BlockQ5_0.Bytes, Unsafe.SizeOf<BlockQ5_0>());
        Assert.Equal(BlockQ5_1.Bytes, Unsafe.SizeOf<BlockQ5_1>());
        Assert.Equal(BlockIQ4_NL.Bytes, Unsafe.SizeOf<BlockIQ4_NL>());
        Assert.Equal(BlockQ2_K.Bytes, Unsafe.SizeOf<BlockQ2_K>());
        Assert.Equal(BlockQ3_K.Bytes, Unsafe.SizeOf<BlockQ3_K>());
        Assert.Equal(BlockQ4_K.Bytes, Unsafe.SizeOf<BlockQ4_K>());
        Assert.Equal(BlockQ5_K.Bytes, Unsafe.SizeOf<BlockQ5_K>());
        Assert.Equal(BlockIQ4_XS.Bytes, Unsafe.SizeOf<BlockIQ4_XS>());
        foreach (var (type, bytes) in new[] { (GgmlType.Q8_0, BlockQ8_0.Bytes), (GgmlType.Q4_0, BlockQ4_0.Bytes), (GgmlType.Q6_K, BlockQ6_K.Bytes), (GgmlType.Q8_K, BlockQ8_K.Bytes),
                                             (GgmlType.Q8_1, BlockQ8_1.Bytes), (GgmlType.Q4_1, BlockQ4_1.Bytes), (GgmlType.Q5_0, BlockQ5_0.Bytes), (GgmlType.Q5_1, BlockQ5_1.Bytes), (GgmlType.IQ4_NL, BlockIQ4_NL.Bytes),
                                             (GgmlType.Q2_K, BlockQ2_K.Bytes), (GgmlType.Q3_K, BlockQ3_K.Bytes), (GgmlType.Q4_K, BlockQ4_K.Bytes), (GgmlType.Q5_K, BlockQ5_K.Bytes), (GgmlType.IQ4_XS, BlockIQ4_XS.Bytes) })
            Assert.Equal(bytes, GgmlTypeTraits.TypeSize(type));
    }

    /// <summary>Q3_K's scales unpacked four to a 32-bit word equal ggml's per-group expression, for random scale bytes.</summary>
    [Fact]
    public void Q3_KScalesEqualThePerGroupExpression()
    {
        var random = new Random(11);
        var block = new BlockQ3_K();
        for (int trial = 0; trial < 1000; trial++)
        {
            for (int i = 0; i < 12; i++) block.Scales[i] = (byte)random.Next(256);
            var scales = new sbyte[16];
            block.UnpackScales(scales);
            for (int g = 0; g < 16; g++)
            {
                int low = (block.Scales[g % 8] >> (g < 8 ? 0 : 4)) & 0xF, high = (block.Scales[8 + g % 4] >> (2 * (g / 4))) & 3;
                Assert.Equal((low | high << 4) - 32, scales[g]);
            }
        }
    }

    [Fact]
    public void Q8_0QuantizationRoundTripsWithinHalfAStep()
    {
        var x = Activations(96, 5);
        var blocks = new BlockQ8_0[3];
        BlockQ8_0.QuantizeRow(x, blocks);
        var y = new float[96];
        BlockQ8_0.DequantizeRow(blocks, y);
        for (int b = 0; b < 3; b++)
        {
            float step = Fp16.HalfToSingle(blocks[b].D);
            float amax = x.Skip(b * 32).Take(32).Max(MathF.Abs);
            Assert.Equal(amax / 127, step, amax / 127 * 1e-3f);
            for (int i = b * 32; i < b * 32 + 32; i++) Assert.True(Math.Abs(x[i] - y[i]) <= step * 0.5f + amax * 1e-3f);
        }
    }

    [Theory]
    [InlineData(32, 1)]
    [InlineData(4096, 2)]
    public void Q8_0VectorQuantizationEqualsScalarBitForBit(int n, int seed)
    {
        var x = Activations(n, seed);
        x[3] = 0.5f * 127f / 3f;   // ties (x * 127/amax exactly .5) must round to even on both paths
        var vector = new BlockQ8_0[n / 32];
        var scalar = new BlockQ8_0[n / 32];
        BlockQ8_0.QuantizeRow(x, vector);
        BlockQ8_0.QuantizeRowScalar(x, scalar);
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scalar.AsSpan()).ToArray(), System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
    }

    [Fact]
    public void Q8_KVectorQuantizationEqualsScalarBitForBit()
    {
        var x = Activations(1024, 5);
        x[3] = 0.5f * 127f / 3f;       // ties must round to even on both paths
        x[100] = 40; x[200] = -40;     // block 0: the first value of largest magnitude sets the scale's sign
        x[300] = -50; x[301] = 50;     // block 1: the same, negative first
        Array.Clear(x, 512, 256);      // block 2: all zero
        var vector = new BlockQ8_K[4];
        var scalar = new BlockQ8_K[4];
        BlockQ8_K.QuantizeRow(x, vector);
        BlockQ8_K.QuantizeRowScalar(x, scalar);
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scalar.AsSpan()).ToArray(), System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
    }

    [Fact]
    public void Q8_1QuantizationCarriesTheScaledSumOfItsValues()
    {
        var x = Activations(96, 7);
        var blocks = new BlockQ8_1[3];
        BlockQ8_1.QuantizeRow(x, blocks);
        var q8_0 = new BlockQ8_0[3];
        BlockQ8_0.QuantizeRow(x, q8_0);
        for (int b = 0; b < 3; b++)
        {
            int sum = 0;
            for (int i = 0; i < 32; i++)
            {
                Assert.Equal(q8_0[b].Qs[i], blocks[b].Qs[i]);
                sum += blocks[b].Qs[i];
            }
            Assert.Equal(q8_0[b].D, blocks[b].D);
            float amax = x.Skip(b * 32).Take(32).Max(MathF.Abs);
            // s uses the f32 scale, rounded to f16 once (ggml's quantize_row_q8_1).
            Assert.Equal(Fp16.SingleToHalf(amax / 127f * sum), blocks[b].S);
        }
    }

    [Fact]
    public void Q8_KQuantizationMapsTheLargestMagnitudeToMinus127AndSumsGroups()
    {
        var x = Activations(256, 6);
        x[17] = -3f;
        var blocks = new BlockQ8_K[1];
        BlockQ8_K.QuantizeRow(x, blocks);
        Assert.Equal(-127, blocks[0].Qs[17]);
        Assert.Equal(-3f / -127f, blocks[0].D, 1e-6f);
        for (int g = 0; g < 16; g++)
        {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += blocks[0].Qs[g * 16 + i];
            Assert.Equal(sum, blocks[0].BSums[g]);
        }
    }

    internal static float[] Activations(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (r.NextSingle() * 2 - 1) * 3).ToArray();
    }

    /// <summary>Random weights of <paramref name="rows"/> rows and activations of <paramref name="tokens"/> tokens, n values each, in the kernel's formats.</summary>
    private static (byte[] Weights, byte[] Activations, WeightKernel Kernel) Random(GgmlType type, int n, int seed, int rows = 1, int tokens = 1)
    {
        var kernel = WeightKernel.For(type)!;
        var weights = new byte[GgmlTypeTraits.RowBytes(type, n) * rows];
        RandomWeights.Fill(type, weights, new Random(seed));
        int actBytes = kernel.Activation.RowBytes(n);
        var acts = new byte[actBytes * tokens];
        var x = Activations(n * tokens, seed);
        for (int t = 0; t < tokens; t++) kernel.Activation.Convert(x.AsSpan(t * n, n), acts.AsSpan(t * actBytes, actBytes));
        return (weights, acts, kernel);
    }
}
