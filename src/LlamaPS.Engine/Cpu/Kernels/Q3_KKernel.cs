using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q3_K weights with Q8_K activations, ggml's integer expression: per super-block
/// d_w * d_a * sum_g scale_g * sum(q_w * q_a) with q_w in -4..3. The AVX2 path keeps ggml's int32 lanes (4 adjacent
/// products each) and f32 order.
/// </summary>
internal sealed unsafe class Q3_KKernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q3_K;
    public override ActivationFormat Activation => ActivationFormat.Q8_K;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ3_K.DequantizeRow(new ReadOnlySpan<BlockQ3_K>(row, dst.Length / BlockQ3_K.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => DotAvx2(row, activations, n),
        SimdPath.Vector128 => DotVector128(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    /// <summary>
    /// The portable path (ARM64 and others), one 16-value group a step, unpacked as the AVX2 runs are: group g
    /// (of run c = g / 2) takes bit pair 2(c % 4) of its qs bytes and bit c of its hmask bytes, less 4; then
    /// <see cref="Int8Dot"/>'s widening integers, each group's sum times its 6-bit signed scale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector128(byte* row, byte* activations, int n)
    {
        var w = (BlockQ3_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector128<byte> m3 = Vector128.Create((byte)3), one = Vector128<byte>.One, four = Vector128.Create((byte)4);
        sbyte* sc = stackalloc sbyte[16];
        float sum = 0;
        for (int b = 0; b < n / BlockQ3_K.Elements; b++, w++, a++)
        {
            w->UnpackScales(new Span<sbyte>(sc, 16));
            Vector128<int> isum = Vector128<int>.Zero;
            for (int g = 0; g < 16; g++)
            {
                int c = g >> 1, at = 16 * (g & 1);
                Vector128<byte> low = Vector128.ShiftRightLogical(Vector128.Load(w->Qs + 32 * (c >> 2) + at), 2 * (c & 3)) & m3;
                Vector128<byte> high = Vector128.ShiftRightLogical(Vector128.Load(w->HMask + at), c) & one;
                Vector128<sbyte> v = ((low | Vector128.ShiftLeft(high, 2)) - four).AsSByte();
                isum += Int8Dot.MultiplyAdd(v, Vector128.Load(a->Qs + 16 * g)) * (int)sc[g];
            }
            sum += Fp16.HalfToSingle(w->D) * a->D * Vector128.Sum(isum);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ3_K*)row;
        var a = (BlockQ8_K*)activations;
        Span<sbyte> q = stackalloc sbyte[BlockQ3_K.Elements], sc = stackalloc sbyte[16];
        float sum = 0;
        for (int b = 0; b < n / BlockQ3_K.Elements; b++)
        {
            w[b].Unpack(q);
            w[b].UnpackScales(sc);
            int isum = 0;
            for (int g = 0; g < 16; g++)
            {
                int gsum = 0;
                for (int i = 0; i < 16; i++) gsum += q[g * 16 + i] * a[b].Qs[g * 16 + i];
                isum += sc[g] * gsum;
            }
            sum += Fp16.HalfToSingle(w[b].D) * a[b].D * isum;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotAvx2(byte* row, byte* activations, int n)
    {
        var w = (BlockQ3_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector256<byte> m3 = Vector256.Create((byte)3), m1 = Vector256.Create((byte)1), four = Vector256.Create((byte)4);
        Vector256<float> acc = Vector256<float>.Zero;
        sbyte* sc = stackalloc sbyte[16];
        for (int b = 0; b < n / BlockQ3_K.Elements; b++)
        {
            w[b].UnpackScales(new Span<sbyte>(sc, 16));
            sbyte* x = a[b].Qs;
            Vector256<byte> hm = Vector256.Load(w[b].HMask);
            Vector256<int> isum = Vector256<int>.Zero;
            for (int half = 0; half < 2; half++)
            {
                Vector256<byte> q = Vector256.Load(w[b].Qs + 32 * half);
                for (int j = 0; j < 4; j++)
                {
                    int c = 4 * half + j;
                    Vector256<byte> low = Vector256.ShiftRightLogical(q.AsUInt16(), 2 * j).AsByte() & m3;
                    Vector256<byte> high = Vector256.ShiftRightLogical(hm.AsUInt16(), c).AsByte() & m1;
                    Vector256<sbyte> v = ((low | Vector256.ShiftLeft(high, 2)) - four).AsSByte();
                    isum += Int8Dot.MultiplyAddScaled(v, Vector256.Load(x + 32 * c), Vector256.Create(Vector128.Create((short)sc[2 * c]), Vector128.Create((short)sc[2 * c + 1])));
                }
            }
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(a[b].D * Fp16.HalfToSingle(w[b].D)), acc);
        }
        return Vector256.Sum(acc);
    }
}
