using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Cpu.Kernels;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Tests.Cpu;

/// <summary>
/// The AVX-512 Q4_0 path converts the weights' f16 scales in registers by moving their bits into a float's, which
/// reads as the value times 2^-112; the activations carry their scales times 2^112 to make up for it. These pin that
/// down for every kind of finite half, and what the path does with inf and NaN (which it does not propagate).
/// </summary>
public unsafe class HalfScaleConversionTests
{
    [Fact]
    public void ActivationsCarryTheirScalesTimes2To112()
    {
        Assert.Equal(HalfToSingle.BitsScale, MathF.ScaleB(1, 112));
        var x = WeightKernelTests.Activations(320, 3);
        var row = new byte[Q8_0Pairs.RowBytes(x.Length)];
        Q8_0Pairs.Convert(x, row);
        fixed (byte* a = row)
            for (int b = 0; b < x.Length / 32; b++)
            {
                byte* group = a + b / Q8_0Pairs.GroupBlocks * Q8_0Pairs.GroupBytes;
                Assert.Equal(Q8_0Pairs.Scale(a, b) * MathF.ScaleB(1, 112), ((float*)(group + Q8_0Pairs.ScaledScaleOffset))[b % Q8_0Pairs.GroupBlocks]);
            }
    }

    // Zero, the smallest and largest subnormals, the smallest normal, one, the largest finite half; each with both signs.
    public static TheoryData<ushort> FiniteHalves() => new((ushort[])[0x0000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0x8000, 0x8001, 0x83FF, 0x8400, 0xBC00, 0xFBFF]);

    [Theory]
    [MemberData(nameof(FiniteHalves))]
    public void Avx512Q4_0TakesEveryFiniteHalfScaleAsTheScalarPathDoes(ushort scale)
    {
        if (!SimdPaths.IsSupported(SimdPath.Avx512)) Assert.Skip("This CPU has no Avx512.");
        var kernel = WeightKernel.For(GgmlType.Q4_0)!;
        var (weights, acts) = Row(scale, 9);
        fixed (byte* w = weights, a = acts)
        {
            float scalar = kernel.DotScalar(w, a, 288), vector = kernel.Dot(w, a, 288, SimdPath.Avx512);
            Assert.True(Math.Abs(vector - scalar) <= 1e-5f * (1 + Math.Abs(scalar)), $"scale 0x{scale:X4}: {vector} vs {scalar}");
        }
    }

    [Theory]
    [InlineData((ushort)0x7C00)]
    [InlineData((ushort)0xFE00)]
    public void Avx512Q4_0ReadsAnInfOrNanScaleAsAFiniteOne(ushort scale)
    {
        if (!SimdPaths.IsSupported(SimdPath.Avx512)) Assert.Skip("This CPU has no Avx512.");
        var kernel = WeightKernel.For(GgmlType.Q4_0)!;
        var (weights, acts) = Row(scale, 8);
        fixed (byte* w = weights, a = acts)
        {
            Assert.False(float.IsFinite(kernel.DotScalar(w, a, 256)));
            Assert.True(float.IsFinite(kernel.Dot(w, a, 256, SimdPath.Avx512)));
        }
    }

    /// <summary>A Q4_0 row of <paramref name="blocks"/> random blocks whose first 8 (one AVX-512 step) have scale <paramref name="scale"/>.</summary>
    private static (byte[] Weights, byte[] Activations) Row(ushort scale, int blocks)
    {
        int n = 32 * blocks;
        var weights = new byte[GgmlTypeTraits.RowBytes(GgmlType.Q4_0, n)];
        RandomWeights.Fill(GgmlType.Q4_0, weights, new Random(scale));
        for (int b = 0; b < 8; b++) BitConverter.TryWriteBytes(weights.AsSpan(b * BlockQ4_0.Bytes), scale);
        var acts = new byte[Q8_0Pairs.RowBytes(n)];
        Q8_0Pairs.Convert(WeightKernelTests.Activations(n, scale), acts);
        return (weights, acts);
    }
}
