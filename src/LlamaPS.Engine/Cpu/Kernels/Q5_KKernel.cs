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
internal sealed unsafe class Q5_KKernel : QuantizedKernel<Q8_KRunsDot<Q5_KKernel.Runs>>
{
    public override GgmlType Type => GgmlType.Q5_K;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ5_K.DequantizeRow(new ReadOnlySpan<BlockQ5_K>(row, dst.Length / BlockQ5_K.Elements), dst);

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

    /// <summary>
    /// The super-block as <see cref="Q8_KRunsDot{TBlock}"/> takes it: run r is the low (r even) or high nibbles of the
    /// 32 bytes at 32(r / 2), with bit r of the qh bytes as bit 4 (unsigned, 0..31); sub-block r's scale for both halves.
    /// </summary>
    internal readonly struct Runs : IQ8_KRunBlock<Runs>
    {
        private readonly BlockQ5_K* _w;
        private readonly ulong _scales;
        private readonly Vector256<short> _mins;
        private readonly Vector256<byte> _qh;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Runs(BlockQ5_K* w)
        {
            _w = w;
            (_scales, ulong mins) = BlockQ4_K.ScalesAndMins(w->Scales);
            _mins = Nibbles.PairedMins(mins);
            _qh = Vector256.Load(w->Qh);
        }

        public static int BlockBytes => BlockQ5_K.Bytes;
        public static float Vector128Dot(byte* row, byte* activations, int n) => DotVector128(row, activations, n);
        public static bool Signed => false;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Runs Prepare(byte* block) => new((BlockQ5_K*)block);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<byte> Run(int r, out Vector256<short> scales)
        {
            scales = Vector256.Create((short)(byte)(_scales >> (8 * r)));
            Vector256<byte> q = Vector256.Load(_w->Qs + 32 * (r >> 1));
            Vector256<byte> low = (r & 1) == 0 ? q & Vector256.Create((byte)0x0F) : Nibbles.High(q);
            return low | (Vector256.ShiftLeft(Vector256.ShiftRightLogical(_qh.AsUInt16(), r), 4).AsByte() & Vector256.Create((byte)0x10));
        }

        // ggml's order: the minimum term as one exact int per super-block, kept apart from the vector sums.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Finish(BlockQ8_K* a, Vector256<int> isum, ref Vector256<float> acc, ref float rest)
        {
            float da = a->D;
            int msum = Vector256.Sum(Avx2.MultiplyAddAdjacent(Vector256.Load(a->BSums), _mins));
            rest += -(da * Fp16.HalfToSingle(_w->DMin)) * msum;
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(da * Fp16.HalfToSingle(_w->D)), acc);
        }

        public static float Result(Vector256<float> acc, float rest) => Vector256.Sum(acc) + rest;
    }
}
