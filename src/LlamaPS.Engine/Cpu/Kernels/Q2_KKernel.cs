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
internal sealed unsafe class Q2_KKernel : QuantizedKernel<Q8_KRunsDot<Q2_KKernel.Runs>>
{
    public override GgmlType Type => GgmlType.Q2_K;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ2_K.DequantizeRow(new ReadOnlySpan<BlockQ2_K>(row, dst.Length / BlockQ2_K.Elements), dst);

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

    /// <summary>The super-block as <see cref="Q8_KRunsDot{TBlock}"/> takes it: run r is bit pair 2(r % 4) of the 32 bytes of half r / 4.</summary>
    internal readonly struct Runs : IQ8_KRunBlock<Runs>
    {
        private readonly BlockQ2_K* _w;
        // The 16 group scales (low nibbles) in both halves, for Nibbles.GroupScales; the 16 minimums (high nibbles).
        private readonly Vector256<byte> _scales;
        private readonly Vector256<short> _mins;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Runs(BlockQ2_K* w)
        {
            _w = w;
            Vector128<byte> sc = Vector128.Load(w->Scales), m4 = Vector128.Create((byte)0x0F);
            _scales = Vector256.Create(sc & m4, sc & m4);
            _mins = Avx2.ConvertToVector256Int16(Vector128.ShiftRightLogical(sc.AsUInt16(), 4).AsByte() & m4).AsInt16();
        }

        public static int BlockBytes => BlockQ2_K.Bytes;
        public static float Vector128Dot(byte* row, byte* activations, int n) => DotVector128(row, activations, n);
        public static bool Signed => false;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Runs Prepare(byte* block) => new((BlockQ2_K*)block);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<byte> Run(int r, out Vector256<short> scales)
        {
            scales = Nibbles.GroupScales(_scales, r);
            return Vector256.ShiftRightLogical(Vector256.Load(_w->Qs + 32 * (r >> 2)).AsUInt16(), 2 * (r & 3)).AsByte() & Vector256.Create((byte)3);
        }

        // ggml's order: the minimum term first, then the scaled sums.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Finish(BlockQ8_K* a, Vector256<int> isum, ref Vector256<float> acc, ref float rest)
        {
            float da = a->D;
            Vector256<int> msum = Avx2.MultiplyAddAdjacent(Vector256.Load(a->BSums), _mins);
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(msum), Vector256.Create(-(da * Fp16.HalfToSingle(_w->DMin))), acc);
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(da * Fp16.HalfToSingle(_w->D)), acc);
        }

        public static float Result(Vector256<float> acc, float rest) => Vector256.Sum(acc);
    }
}
