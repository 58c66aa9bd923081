using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// IQ4_XS weights with Q8_K activations, ggml's integer expression: per super-block
/// d_w * d_a * sum_s (ls_s - 32) * sum(level(q_w) * q_a). AVX2 looks the 16 levels up with vpshufb.
/// </summary>
internal sealed unsafe class IQ4_XSKernel : WeightKernel
{
    public override GgmlType Type => GgmlType.IQ4_XS;
    public override ActivationFormat Activation => ActivationFormat.Q8_K;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockIQ4_XS.DequantizeRow(new ReadOnlySpan<BlockIQ4_XS>(row, dst.Length / BlockIQ4_XS.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => DotAvx2(row, activations, n),
        SimdPath.Vector128 => DotVector128(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    /// <summary>
    /// The portable path (ARM64 and others): each sub-block's 16 bytes of indices become table levels by IQ4_NL's
    /// shuffle, multiply in <see cref="Int8Dot"/>'s widening integers, and take the sub-block's scale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector128(byte* row, byte* activations, int n)
    {
        var w = (BlockIQ4_XS*)row;
        var a = (BlockQ8_K*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockIQ4_XS.Elements; b++, w++, a++)
        {
            Vector128<int> isum = Vector128<int>.Zero;
            for (int s = 0; s < 8; s++)
            {
                var (lo, hi) = IQ4_NLKernel.Block.Levels128(w->Qs + 16 * s);
                isum += (Int8Dot.MultiplyAdd(lo, Vector128.Load(a->Qs + 32 * s)) + Int8Dot.MultiplyAdd(hi, Vector128.Load(a->Qs + 32 * s + 16))) * w->Scale(s);
            }
            sum += Fp16.HalfToSingle(w->D) * a->D * Vector128.Sum(isum);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockIQ4_XS*)row;
        var a = (BlockQ8_K*)activations;
        Span<sbyte> q = stackalloc sbyte[BlockIQ4_XS.Elements];
        float sum = 0;
        for (int b = 0; b < n / BlockIQ4_XS.Elements; b++)
        {
            w[b].Unpack(q);
            int isum = 0;
            for (int s = 0; s < 8; s++)
            {
                int ssum = 0;
                for (int i = 0; i < 32; i++) ssum += q[s * 32 + i] * a[b].Qs[s * 32 + i];
                isum += w[b].Scale(s) * ssum;
            }
            sum += Fp16.HalfToSingle(w[b].D) * a[b].D * isum;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotAvx2(byte* row, byte* activations, int n)
    {
        var w = (BlockIQ4_XS*)row;
        var a = (BlockQ8_K*)activations;
        Vector128<sbyte> levels = Vector128.Create(BlockIQ4_XS.Values);
        Vector256<sbyte> table = Vector256.Create(levels, levels);
        Vector128<byte> m4 = Vector128.Create((byte)0x0F);
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < n / BlockIQ4_XS.Elements; b++)
        {
            sbyte* x = a[b].Qs;
            Vector256<int> isum = Vector256<int>.Zero;
            for (int s = 0; s < 8; s++)
            {
                Vector128<byte> q = Vector128.Load(w[b].Qs + 16 * s);
                Vector256<byte> idx = Vector256.Create(q & m4, Vector128.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4);
                Vector256<sbyte> v = Avx2.Shuffle(table, idx.AsSByte());
                isum += Int8Dot.MultiplyAddScaled(v, Vector256.Load(x + 32 * s), Vector256.Create((short)w[b].Scale(s)));
            }
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(Fp16.HalfToSingle(w[b].D) * a[b].D), acc);
        }
        return Vector256.Sum(acc);
    }
}
