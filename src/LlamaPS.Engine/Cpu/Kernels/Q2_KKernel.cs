using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q2_K weights with Q8_K activations, ggml's integer expression: per super-block
/// d_w * d_a * sum_g (sc_g &amp; 15) * sum(q_w * q_a) - dmin_w * d_a * sum_g (sc_g >> 4) * bsum_g.
/// </summary>
internal sealed unsafe class Q2_KKernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q2_K;
    public override ActivationFormat Activation => ActivationFormat.Q8_K;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ2_K.DequantizeRow(new ReadOnlySpan<BlockQ2_K>(row, dst.Length / BlockQ2_K.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => DotAvx2(row, activations, n),
        SimdPath.Vector128 => DotVector128(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    /// <summary>
    /// The portable path (ARM64 and others), one 16-value group a step: group g's 2-bit values are bit pair
    /// 2(c % 4) of the 16 bytes at 32(c / 4) + 16(g % 2) (c = g / 2, the 32-value run), multiplied in
    /// <see cref="Int8Dot"/>'s widening integers and scaled; the minimum term is one integer per super-block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector128(byte* row, byte* activations, int n)
    {
        var w = (BlockQ2_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector128<byte> m3 = Vector128.Create((byte)3);
        float sum = 0;
        for (int b = 0; b < n / BlockQ2_K.Elements; b++, w++, a++)
        {
            Vector128<int> isum = Vector128<int>.Zero;
            int msum = 0;
            for (int g = 0; g < 16; g++)
            {
                int c = g >> 1;
                Vector128<byte> v = Vector128.ShiftRightLogical(Vector128.Load(w->Qs + 32 * (c >> 2) + 16 * (g & 1)), 2 * (c & 3)) & m3;
                isum += Int8Dot.MultiplyAdd(v.AsSByte(), Vector128.Load(a->Qs + 16 * g)) * (w->Scales[g] & 0xF);
                msum += (w->Scales[g] >> 4) * a->BSums[g];
            }
            sum += Fp16.HalfToSingle(w->D) * a->D * Vector128.Sum(isum) - Fp16.HalfToSingle(w->DMin) * a->D * msum;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ2_K*)row;
        var a = (BlockQ8_K*)activations;
        Span<sbyte> q = stackalloc sbyte[BlockQ2_K.Elements];
        float sum = 0;
        for (int b = 0; b < n / BlockQ2_K.Elements; b++)
        {
            w[b].Unpack(q);
            int isum = 0, msum = 0;
            for (int g = 0; g < 16; g++)
            {
                int gsum = 0;
                for (int i = 0; i < 16; i++) gsum += q[g * 16 + i] * a[b].Qs[g * 16 + i];
                isum += (w[b].Scales[g] & 0xF) * gsum;
                msum += (w[b].Scales[g] >> 4) * a[b].BSums[g];
            }
            sum += Fp16.HalfToSingle(w[b].D) * a[b].D * isum - Fp16.HalfToSingle(w[b].DMin) * a[b].D * msum;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotAvx2(byte* row, byte* activations, int n)
    {
        var w = (BlockQ2_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector256<byte> m3 = Vector256.Create((byte)3);
        Vector128<byte> m4 = Vector128.Create((byte)0x0F);
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < n / BlockQ2_K.Elements; b++)
        {
            byte* sc = w[b].Scales;
            sbyte* x = a[b].Qs;
            Vector128<byte> sc16 = Vector128.Load(sc);
            Vector256<short> mins = Avx2.ConvertToVector256Int16(Vector128.ShiftRightLogical(sc16.AsUInt16(), 4).AsByte() & m4).AsInt16();
            Vector256<int> isum = Vector256<int>.Zero;
            for (int half = 0; half < 2; half++)
            {
                Vector256<byte> q = Vector256.Load(w[b].Qs + 32 * half);
                for (int j = 0; j < 4; j++)
                {
                    int c = 4 * half + j;
                    Vector256<byte> v = Vector256.ShiftRightLogical(q.AsUInt16(), 2 * j).AsByte() & m3;
                    Vector256<short> p = Avx2.MultiplyAddAdjacent(v, Vector256.Load(x + 32 * c));
                    isum += Avx2.MultiplyAddAdjacent(p, Vector256.Create(Vector128.Create((short)(sc[2 * c] & 0xF)), Vector128.Create((short)(sc[2 * c + 1] & 0xF))));
                }
            }
            Vector256<int> msum = Avx2.MultiplyAddAdjacent(Vector256.Load(a[b].BSums), mins);
            float da = a[b].D;
            // ggml's order: the minimum term first, then the scaled sums.
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(msum), Vector256.Create(-(da * Fp16.HalfToSingle(w[b].DMin))), acc);
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(da * Fp16.HalfToSingle(w[b].D)), acc);
        }
        return Vector256.Sum(acc);
    }
}
