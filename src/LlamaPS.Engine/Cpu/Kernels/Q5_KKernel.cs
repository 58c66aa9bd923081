using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q5_K weights with Q8_K activations: as <see cref="Q4_KKernel"/> with 5-bit unsigned values, per super-block
/// d_w * d_a * sum_s scale_s * sum(q_w * q_a) - dmin_w * d_a * sum_s min_s * (bsum_2s + bsum_2s+1).
/// </summary>
internal sealed unsafe class Q5_KKernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q5_K;
    public override ActivationFormat Activation => ActivationFormat.Q8_K;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ5_K.DequantizeRow(new ReadOnlySpan<BlockQ5_K>(row, dst.Length / BlockQ5_K.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => DotAvx2(row, activations, n),
        SimdPath.Vector128 => DotVector128(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector128(byte* row, byte* activations, int n)
    {
        var w = (BlockQ5_K*)row;
        var a = (BlockQ8_K*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockQ5_K.Elements; b++)
            sum += Q4_KKernel.ScaleMinBlockVector128(w[b].Qs, w[b].Qh, w[b].Scales, w[b].D, w[b].DMin, a + b);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ5_K*)row;
        var a = (BlockQ8_K*)activations;
        Span<sbyte> q = stackalloc sbyte[BlockQ5_K.Elements];
        float sum = 0;
        for (int b = 0; b < n / BlockQ5_K.Elements; b++)
        {
            w[b].Unpack(q);
            sum += Q4_KKernel.ScaleMinBlock(q, w[b].Scales, w[b].D, w[b].DMin, a + b);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotAvx2(byte* row, byte* activations, int n)
    {
        var w = (BlockQ5_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector256<byte> m4 = Vector256.Create((byte)0x0F), bit = Vector256.Create((byte)0x10);
        Vector256<float> acc = Vector256<float>.Zero;
        float mins = 0;
        for (int b = 0; b < n / BlockQ5_K.Elements; b++)
        {
            var (sc, mn) = BlockQ4_K.ScalesAndMins(w[b].Scales);
            byte* qs = w[b].Qs;
            sbyte* x = a[b].Qs;
            Vector256<byte> qh = Vector256.Load(w[b].Qh);
            Vector256<int> isum = Vector256<int>.Zero;
            for (int j = 0; j < 4; j++)
            {
                Vector256<byte> q = Vector256.Load(qs + 32 * j);
                // Bit 2j of qh to bit 4 for the low nibbles, bit 2j+1 for the high ones.
                Vector256<byte> h = Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh.AsUInt16(), 2 * j), 4).AsByte();
                Vector256<byte> lo = (q & m4) | (h & bit);
                Vector256<byte> hi = Nibbles.High(q) | (Vector256.ShiftRightLogical(h.AsUInt16(), 1).AsByte() & bit);
                Vector256<short> plo = Avx2.MultiplyAddAdjacent(lo, Vector256.Load(x + 64 * j));
                Vector256<short> phi = Avx2.MultiplyAddAdjacent(hi, Vector256.Load(x + 64 * j + 32));
                isum += Avx2.MultiplyAddAdjacent(plo, Vector256.Create((short)(byte)(sc >> (16 * j))));
                isum += Avx2.MultiplyAddAdjacent(phi, Vector256.Create((short)(byte)(sc >> (16 * j + 8))));
            }
            int msum = Vector256.Sum(Avx2.MultiplyAddAdjacent(Vector256.Load(a[b].BSums), Nibbles.PairedMins(mn)));
            float da = a[b].D;
            // ggml's order: the minimum term as one exact int per super-block, kept apart from the vector sums.
            mins += -(da * Fp16.HalfToSingle(w[b].DMin)) * msum;
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(da * Fp16.HalfToSingle(w[b].D)), acc);
        }
        return Vector256.Sum(acc) + mins;
    }
}
