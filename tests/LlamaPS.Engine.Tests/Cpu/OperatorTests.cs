using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Tests.Cpu;

/// <summary>The CPU operators against their plain scalar expressions, with awkward shapes and fixed seeds.</summary>
public unsafe class OperatorTests
{
    [Theory]
    [InlineData(GgmlType.F32, 1, 1, 7)]
    [InlineData(GgmlType.F32, 17, 5, 33)]
    [InlineData(GgmlType.F16, 33, 3, 65)]
    [InlineData(GgmlType.Q8_0, 257, 5, 96)]
    [InlineData(GgmlType.Q4_0, 3, 2, 4064)]
    [InlineData(GgmlType.Q6_K, 31, 3, 512)]
    // 2 x 8 tiles and the tokens and rows left over.
    [InlineData(GgmlType.Q4_K, 33, 19, 512)]
    [InlineData(GgmlType.Q6_K, 17, 21, 256)]
    [InlineData(GgmlType.Q8_0, 9, 13, 64)]
    public void MatMulEqualsRowByRowDots(GgmlType type, int rows, int tokens, int cols)
    {
        var bytes = new byte[GgmlTypeTraits.RowBytes(type, cols) * rows];
        RandomWeights.Fill(type, bytes, new Random(rows));
        var x = WeightKernelTests.Activations(tokens * cols, tokens);
        var y = new float[tokens * rows];
        fixed (byte* wp = bytes)
        fixed (float* xp = x, yp = y)
        {
            var w = new WeightMatrix("w", type, wp, rows, cols);
            using var pool = new WorkerPool(3);
            using var scratch = new NativeBuffer<byte>(MatMul.ScratchBytes(w, tokens));
            MatMul.Compute(w, xp, yp, tokens, pool, scratch);
            var act = new byte[w.Kernel.Activation.RowBytes(cols)];
            fixed (byte* ap = act)
                for (int t = 0; t < tokens; t++)
                {
                    w.Kernel.Activation.Convert(x.AsSpan(t * cols, cols), act);
                    for (int r = 0; r < rows; r++)
                        Assert.Equal(w.Kernel.DotScalar(w.Row(r), ap, cols), y[t * rows + r], 1e-3f);
                }
        }
    }

    [Fact]
    public void RmsNormScalesRowsToUnitRootMeanSquareTimesWeight()
    {
        const int n = 37, rows = 3;
        var x = WeightKernelTests.Activations(n * rows, 1);
        var w = WeightKernelTests.Activations(n, 2);
        var y = new float[n * rows];
        fixed (float* xp = x, wp = w, yp = y) RmsNorm.Compute(xp, wp, yp, rows, n, 1e-5f);
        for (int r = 0; r < rows; r++)
        {
            double ms = x.Skip(r * n).Take(n).Sum(v => (double)v * v) / n;
            for (int i = 0; i < n; i++) Assert.Equal(x[r * n + i] / Math.Sqrt(ms + 1e-5) * w[i], y[r * n + i], 1e-5);
        }
    }

    [Theory]
    [InlineData(RopeStyle.Normal, false)]
    [InlineData(RopeStyle.Neox, false)]
    [InlineData(RopeStyle.Neox, true)]
    public void RopeRotatesThePairsItsStyleNames(RopeStyle style, bool scaled)
    {
        const int heads = 2, headDim = 12, ropeDims = 8, tokens = 3, start = 5;
        // Scaled: per-pair frequency divisors, positions divided by 4, cos and sin times 1.25.
        float[] factors = [1f, 2f, 5f, 8f];
        var rope = new RopeConfig { Style = style, Dimensions = ropeDims, FreqBase = 10000f, FreqScale = scaled ? 0.25f : 1f, MagnitudeScale = scaled ? 1.25f : 1f };
        var x = WeightKernelTests.Activations(tokens * heads * headDim, 3);
        var y = (float[])x.Clone();
        fixed (float* p = y, f = factors) Rope.Apply(p, tokens, heads, headDim, start, rope, scaled ? f : null);
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < heads; h++)
            {
                int o = (t * heads + h) * headDim;
                for (int i = 0; i < ropeDims / 2; i++)
                {
                    double theta = (start + t) * Math.Pow(10000, -2.0 * i / ropeDims), m = 1;
                    if (scaled) (theta, m) = (theta / factors[i] * 0.25, 1.25);
                    int a = style == RopeStyle.Normal ? 2 * i : i, b = style == RopeStyle.Normal ? 2 * i + 1 : i + ropeDims / 2;
                    Assert.Equal(m * (x[o + a] * Math.Cos(theta) - x[o + b] * Math.Sin(theta)), y[o + a], 1e-4);
                    Assert.Equal(m * (x[o + a] * Math.Sin(theta) + x[o + b] * Math.Cos(theta)), y[o + b], 1e-4);
                }
                for (int i = ropeDims; i < headDim; i++) Assert.Equal(x[o + i], y[o + i]);
            }
    }

    [Theory]
    [InlineData(FeedForwardActivation.SiLU)]
    [InlineData(FeedForwardActivation.GeluTanh)]
    public void GatedActivationIsTheActivationOfGateTimesUp(FeedForwardActivation activation)
    {
        const int n = 2051;
        var g = WeightKernelTests.Activations(n, 4);
        var u = WeightKernelTests.Activations(n, 5);
        var r = (float[])g.Clone();
        fixed (float* gp = r, up = u) GatedActivation.Compute(activation, gp, up, n);
        for (int i = 0; i < n; i++)
        {
            double x = g[i], act = activation == FeedForwardActivation.SiLU
                ? x / (1 + Math.Exp(-x))
                : 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            Assert.Equal(act * u[i], r[i], 1e-5);
        }
    }

    [Fact]
    public void SoftCapIsCapTimesTanhOfXOverCap()
    {
        var x = WeightKernelTests.Activations(100, 9);
        var y = (float[])x.Clone();
        fixed (float* p = y) SoftCap.Apply(p, y.Length, 0.5f);
        for (int i = 0; i < x.Length; i++) Assert.Equal(0.5 * Math.Tanh(x[i] / 0.5), y[i], 1e-6);
    }

    [Theory]
    [InlineData(0.25f, 0f, 0, 16, 3)]
    [InlineData(0.5f, 0f, 3, 16, 3)]
    [InlineData(0.25f, 0.5f, 0, 16, 3)]
    [InlineData(0.5f, 0.5f, 2, 16, 3)]
    // 64 + 8 lanes and more positions than one chunk of 128, 8 key rows at a time and the rest one by one.
    [InlineData(0.125f, 0f, 0, 72, 150)]
    [InlineData(0.125f, 0.5f, 137, 72, 150)]
    // Scores so peaked that most weights are 0, whose value rows are skipped.
    [InlineData(64f, 0f, 0, 72, 150)]
    public void AttentionEqualsSoftmaxWeightedValuesOverTheCausalWindow(float scale, float softCap, int window, int headDim, int start)
    {
        const int heads = 4, kvHeads = 2, tokens = 4;
        int kvDim = kvHeads * headDim;
        using var cache = new KvCache(1, start + tokens, kvDim);
        var k = WeightKernelTests.Activations((start + tokens) * kvDim, 6);
        var v = WeightKernelTests.Activations((start + tokens) * kvDim, 7);
        var q = WeightKernelTests.Activations(tokens * heads * headDim, 8);
        var o = new float[tokens * heads * headDim];
        using var pool = new WorkerPool(2);
        fixed (float* kp = k, vp = v, qp = q, op = o)
        {
            cache.Store(0, 0, start + tokens, kp, vp);
            Attention.Compute(qp, cache, 0, op, start, tokens, new AttentionParameters(heads, kvHeads, headDim, scale, softCap, window), pool);
        }
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < heads; h++)
            {
                int kvh = h / (heads / kvHeads), length = start + t + 1, first = window > 0 ? Math.Max(0, length - window) : 0;
                var s = new double[length];
                for (int j = first; j < length; j++)
                {
                    for (int d = 0; d < headDim; d++)
                        s[j] += Fp16.RoundToHalf(q[(t * heads + h) * headDim + d]) * (double)Fp16.RoundToHalf(k[j * kvDim + kvh * headDim + d]) * scale;
                    if (softCap > 0) s[j] = softCap * Math.Tanh(s[j] / softCap);
                }
                double max = s[first..].Max(), sum = s[first..].Sum(e => Math.Exp(e - max));
                // llama.cpp's flash-attention loop, one position at a time: the running maximum rescales the sum,
                // and the weighted sum of V is rounded to f16 after every step.
                var f16 = new float[headDim];
                float runningMax = float.NegativeInfinity, runningSum = 0;
                for (int j = first; j < length; j++)
                {
                    float sj = (float)s[j], ms = 1, vs = 1;
                    if (sj > runningMax)
                    {
                        ms = MathF.Exp(runningMax - sj);
                        runningMax = sj;
                        for (int d = 0; d < headDim; d++) f16[d] = Fp16.RoundToHalf(f16[d] * ms);
                    }
                    else
                    {
                        vs = MathF.Exp(sj - runningMax);
                    }
                    for (int d = 0; d < headDim; d++) f16[d] = Fp16.RoundToHalf(f16[d] + Fp16.RoundToHalf(v[j * kvDim + kvh * headDim + d]) * vs);
                    runningSum = runningSum * ms + vs;
                }
                for (int d = 0; d < headDim; d++)
                {
                    double expected = 0;
                    for (int j = first; j < length; j++) expected += Math.Exp(s[j] - max) / sum * Fp16.RoundToHalf(v[j * kvDim + kvh * headDim + d]);
                    // f16 query and f16 accumulation, as llama.cpp: about 3 significant digits over a few positions,
                    // less as the f16 rounding errors of more positions add up.
                    Assert.Equal(expected, o[(t * heads + h) * headDim + d], length <= 16 ? 5e-3 : 2e-2);
                    // The same roundings as the one-position loop: only the scores' last bits may differ.
                    Assert.Equal(f16[d] / runningSum, o[(t * heads + h) * headDim + d], 1e-3);
                }
            }
    }

    [Theory]
    [InlineData(0f, 0, 64)]
    [InlineData(0.5f, 100, 72)]
    [InlineData(0f, 101, 40)]
    public void AttentionOfABatchEqualsItsTokensOneByOne(float softCap, int window, int headDim)
    {
        // 40 tokens after 150 cached positions: blocks of tokens, and chunks of positions that start elsewhere for
        // a batch than for a single token under a window, so a token's positions split into other runs of 8 rows;
        // tails of the 8-row scores and of the 64-lane accumulator.
        const int heads = 6, kvHeads = 2, start = 150, tokens = 40;
        int kvDim = kvHeads * headDim, qDim = heads * headDim;
        using var cache = new KvCache(1, start + tokens, kvDim);
        var k = WeightKernelTests.Activations((start + tokens) * kvDim, 9);
        var v = WeightKernelTests.Activations((start + tokens) * kvDim, 10);
        var q = WeightKernelTests.Activations(tokens * qDim, 11);
        float[] batch = new float[tokens * qDim], single = new float[tokens * qDim];
        var p = new AttentionParameters(heads, kvHeads, headDim, 0.3f, softCap, window);
        using var pool = new WorkerPool(2);
        fixed (float* kp = k, vp = v, qp = q, bp = batch, sp = single)
        {
            cache.Store(0, 0, start + tokens, kp, vp);
            Attention.Compute(qp, cache, 0, bp, start, tokens, p, pool);
            for (int t = 0; t < tokens; t++) Attention.Compute(qp + t * qDim, cache, 0, sp + t * qDim, start + t, 1, p, pool);
        }
        Assert.Equal(single, batch);
    }

    [Fact]
    public void WorkerPoolRunsEveryTaskOnceAndRethrowsFailures()
    {
        using var pool = new WorkerPool(4);
        var counts = new int[1000];
        pool.Run(counts.Length, i => Interlocked.Increment(ref counts[i]));
        Assert.All(counts, c => Assert.Equal(1, c));
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(10, i => { if (i == 7) throw new InvalidOperationException("task 7"); }));
        Assert.Equal("task 7", e.Message);
        pool.Run(3, _ => { });
    }
}
