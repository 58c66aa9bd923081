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
internal sealed unsafe class Q3_KKernel : QuantizedKernel<Q8_KRunsDot<Q3_KKernel.Runs>>
{
    public override GgmlType Type => GgmlType.Q3_K;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ3_K.DequantizeRow(new ReadOnlySpan<BlockQ3_K>(row, dst.Length / BlockQ3_K.Elements), dst);

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

    /// <summary>
    /// The super-block as <see cref="Q8_KRunsDot{TBlock}"/> takes it: run r is bit pair 2(r % 4) of the 32 qs bytes of
    /// half r / 4 with bit r of the hmask bytes above it, less 4 (signed, -4..3).
    /// </summary>
    internal readonly struct Runs : IQ8_KRunBlock<Runs>
    {
        private readonly BlockQ3_K* _w;
        // The 16 signed 6-bit group scales in both halves, for Nibbles.GroupScales; the high bits.
        private readonly Vector256<byte> _scales, _hmask;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Runs(BlockQ3_K* w)
        {
            _w = w;
            Vector128<sbyte> sc = w->ScaleVector();
            _scales = Vector256.Create(sc, sc).AsByte();
            _hmask = Vector256.Load(w->HMask);
        }

        public static int BlockBytes => BlockQ3_K.Bytes;
        public static float Vector128Dot(byte* row, byte* activations, int n) => DotVector128(row, activations, n);
        public static bool Signed => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Runs Prepare(byte* block) => new((BlockQ3_K*)block);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<byte> Run(int r, out Vector256<short> scales)
        {
            scales = Nibbles.GroupScales(_scales, r);
            Vector256<byte> low = Vector256.ShiftRightLogical(Vector256.Load(_w->Qs + 32 * (r >> 2)).AsUInt16(), 2 * (r & 3)).AsByte() & Vector256.Create((byte)3);
            Vector256<byte> high = Vector256.ShiftRightLogical(_hmask.AsUInt16(), r).AsByte() & Vector256<byte>.One;
            return (low | Vector256.ShiftLeft(high, 2)) - Vector256.Create((byte)4);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Finish(BlockQ8_K* a, Vector256<int> isum, ref Vector256<float> acc, ref float rest) =>
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(a->D * Fp16.HalfToSingle(_w->D)), acc);

        public static float Result(Vector256<float> acc, float rest) => Vector256.Sum(acc);
    }
}
