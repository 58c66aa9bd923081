using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q6_K weights with Q8_K activations: per super-block d_w * d_a * sum over 16 groups of scale * sum(q_w * q_a).
/// </summary>
internal sealed unsafe class Q6_KKernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q6_K;
    public override ActivationFormat Activation => ActivationFormat.Q8_K;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Avx2];

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) =>
        path == SimdPath.Avx2 ? DotVector(row, activations, n) : DotScalar(row, activations, n);

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ6_K.DequantizeRow(new ReadOnlySpan<BlockQ6_K>(row, dst.Length / BlockQ6_K.Elements), dst);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector(byte* row, byte* activations, int n)
    {
        var w = (BlockQ6_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector256<byte> m4 = Vector256.Create((byte)0x0F), m2 = Vector256.Create((byte)0x03);
        Vector256<byte> bias = Vector256.Create((byte)32);
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < n / BlockQ6_K.Elements; b++)
        {
            Vector256<int> isum = Vector256<int>.Zero;
            for (int half = 0; half < 2; half++)
            {
                byte* ql = w[b].Ql + 64 * half;
                byte* qh = w[b].Qh + 32 * half;
                Vector256<byte> qlA = Vector256.Load(ql), qlB = Vector256.Load(ql + 32), h = Vector256.Load(qh);
                // The four 32-element runs of this half, each nibble joined with its 2 high bits.
                Vector256<byte> q0 = (qlA & m4) | ShiftLeft(h & m2, 4);
                Vector256<byte> q1 = (qlB & m4) | ShiftLeft(ShiftRight(h, 2) & m2, 4);
                Vector256<byte> q2 = ShiftRight(qlA, 4) | ShiftLeft(ShiftRight(h, 4) & m2, 4);
                Vector256<byte> q3 = ShiftRight(qlB, 4) | ShiftLeft(ShiftRight(h, 6) & m2, 4);
                sbyte* act = a[b].Qs + 128 * half;
                sbyte* sc = w[b].Scales + 8 * half;
                isum += Int8Dot.MultiplyAddScaled((q0 - bias).AsSByte(), Vector256.Load(act), Scales(sc[0], sc[1]));
                isum += Int8Dot.MultiplyAddScaled((q1 - bias).AsSByte(), Vector256.Load(act + 32), Scales(sc[2], sc[3]));
                isum += Int8Dot.MultiplyAddScaled((q2 - bias).AsSByte(), Vector256.Load(act + 64), Scales(sc[4], sc[5]));
                isum += Int8Dot.MultiplyAddScaled((q3 - bias).AsSByte(), Vector256.Load(act + 96), Scales(sc[6], sc[7]));
            }
            float d = Fp16.HalfToSingle(w[b].D) * a[b].D;
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(d), acc);
        }
        return Vector256.Sum(acc);
    }

    private static Vector256<short> Scales(sbyte first16, sbyte second16) =>
        Vector256.Create(Vector128.Create((short)first16), Vector128.Create((short)second16));

    private static Vector256<byte> ShiftLeft(Vector256<byte> v, int bits) => Vector256.ShiftLeft(v.AsUInt16(), bits).AsByte();

    // A 16-bit shift drags the neighbour byte's low bits in; callers mask (or use the top bits only where none leak).
    private static Vector256<byte> ShiftRight(Vector256<byte> v, int bits) =>
        Vector256.ShiftRightLogical(v.AsUInt16(), bits).AsByte() & Vector256.Create((byte)(0xFF >> bits));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ6_K*)row;
        var a = (BlockQ8_K*)activations;
        Span<sbyte> q = stackalloc sbyte[BlockQ6_K.Elements];
        float sum = 0;
        for (int b = 0; b < n / BlockQ6_K.Elements; b++)
        {
            w[b].Unpack(q);
            int isum = 0;
            for (int g = 0; g < 16; g++)
            {
                int gsum = 0;
                for (int i = 0; i < 16; i++) gsum += q[g * 16 + i] * a[b].Qs[g * 16 + i];
                isum += w[b].Scales[g] * gsum;
            }
            sum += Fp16.HalfToSingle(w[b].D) * a[b].D * isum;
        }
        return sum;
    }
}
