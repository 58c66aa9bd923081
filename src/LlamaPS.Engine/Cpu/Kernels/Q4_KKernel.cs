using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_K weights with Q8_K activations, ggml's integer expression: per super-block
/// d_w * d_a * sum_s scale_s * sum(q_w * q_a) - dmin_w * d_a * sum_s min_s * (sum of sub-block s's activations),
/// the activation sums coming from Q8_K's bsums. Weights are unsigned nibbles, so AVX2's unsigned-by-signed
/// vpmaddubsw takes them directly. The GEMM tile takes 2 rows by 8 tokens; the one-token product on AVX-512 is
/// <see cref="Q4_KAvx512"/> (the AVX2 result to the bit, in about half the instructions).
/// </summary>
internal sealed unsafe class Q4_KKernel : WeightKernel
{
    public const int TileRows = 2, TileTokens = 8;

    public override GgmlType Type => GgmlType.Q4_K;
    public override ActivationFormat Activation => ActivationFormat.Q8_K;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2, SimdPath.AvxVnni, SimdPath.Avx512];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ4_K.DequantizeRow(new ReadOnlySpan<BlockQ4_K>(row, dst.Length / BlockQ4_K.Elements), dst);

    public override void DotRows(byte* row, long rowStride, byte* activations, int n, float* y, int rows, SimdPath path)
    {
        if (path == SimdPath.Avx512) Q4_KAvx512.Dot(row, rowStride, activations, n, y, rows);
        else base.DotRows(row, rowStride, activations, n, y, rows, path);
    }

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        SimdPath.Avx512 => DotOfOneRow(row, activations, n, path),
        >= SimdPath.Avx2 => SimdPaths.TakesAvxVnni(path) ? DotAvx2<AvxVnniMultiplyAdd>(row, activations, n) : DotAvx2<Avx2MultiplyAdd>(row, activations, n),
        SimdPath.Vector128 => DotVector128(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    public override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) => path >= SimdPath.Avx2 && tokens >= TileTokens ? (TileRows, TileTokens) : (1, 1);

    protected override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path)
    {
        if (SimdPaths.TakesAvxVnni(path)) TileAvx2<AvxVnniMultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
        else TileAvx2<Avx2MultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
    }

    /// <summary>
    /// One super-block: unsigned nibbles times activations, each sub-block's pair sums times its scale (broadcast by
    /// one vpshufb, not eight scalar shift-and-broadcasts), and the minimum term from the activations' group sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TMultiplyAdd>(BlockQ4_K* w, sbyte* x, Vector128<short> pairs, float da, ref Vector256<float> c, ref Vector128<float> m) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        var (sc, mn) = BlockQ4_K.ScalesAndMins(w->Scales);
        Vector256<byte> scales = Nibbles.SubBlockScales(sc);
        byte* qs = w->Qs;
        Vector256<byte> q0 = Vector256.Load(qs), q1 = Vector256.Load(qs + 32), q2 = Vector256.Load(qs + 64), q3 = Vector256.Load(qs + 96);
        Vector256<int> isum = Scaled<TMultiplyAdd>(Vector256<int>.Zero, q0 & m4, x, scales, 0);
        isum = Scaled<TMultiplyAdd>(isum, Nibbles.High(q0), x, scales, 1);
        isum = Scaled<TMultiplyAdd>(isum, q1 & m4, x, scales, 2);
        isum = Scaled<TMultiplyAdd>(isum, Nibbles.High(q1), x, scales, 3);
        isum = Scaled<TMultiplyAdd>(isum, q2 & m4, x, scales, 4);
        isum = Scaled<TMultiplyAdd>(isum, Nibbles.High(q2), x, scales, 5);
        isum = Scaled<TMultiplyAdd>(isum, q3 & m4, x, scales, 6);
        isum = Scaled<TMultiplyAdd>(isum, Nibbles.High(q3), x, scales, 7);
        Vector128<int> minTerm = Nibbles.MinTerm(pairs, mn);
        m = Fma.MultiplyAdd(Sse2.ConvertToVector128Single(minTerm), Vector128.Create(-(da * Fp16.HalfToSingle(w->DMin))), m);
        c = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(da * Fp16.HalfToSingle(w->D)), c);
    }

    // acc + sub-block s: unsigned nibbles times activations, pair sums times the sub-block's scale, which a vpshufb
    // broadcasts from 16-bit lane s (s is a constant at every call, so the mask is too).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Scaled<TMultiplyAdd>(Vector256<int> acc, Vector256<byte> q, sbyte* x, Vector256<byte> scales, int s) where TMultiplyAdd : struct, IInt8MultiplyAdd =>
        TMultiplyAdd.AddScaled(acc, q, Vector256.Load(x + 32 * s), Nibbles.ScaleOf(scales, s));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ4_K*)row;
        var a = (BlockQ8_K*)activations;
        Span<sbyte> q = stackalloc sbyte[BlockQ4_K.Elements];
        float sum = 0;
        for (int b = 0; b < n / BlockQ4_K.Elements; b++)
        {
            w[b].Unpack(q);
            sum += ScaleMinBlock(q, w[b].Scales, w[b].D, w[b].DMin, a + b);
        }
        return sum;
    }

    /// <summary>
    /// ggml's scalar expression for one super-block of the scale-and-minimum K-quants (Q4_K, Q5_K), given its
    /// unpacked values: d * d_a * sum_s scale_s * sum(q * q_a) - dmin * d_a * sum_s min_s * (group sums of s).
    /// </summary>
    internal static float ScaleMinBlock(ReadOnlySpan<sbyte> q, byte* packedScales, ushort d, ushort dmin, BlockQ8_K* a)
    {
        var (sc, mn) = BlockQ4_K.ScalesAndMins(packedScales);
        int isum = 0, msum = 0;
        for (int s = 0; s < 8; s++)
        {
            int ssum = 0;
            for (int i = 0; i < 32; i++) ssum += q[s * 32 + i] * a->Qs[s * 32 + i];
            isum += (byte)(sc >> (8 * s)) * ssum;
            msum += (byte)(mn >> (8 * s)) * (a->BSums[2 * s] + a->BSums[2 * s + 1]);
        }
        return Fp16.HalfToSingle(d) * a->D * isum - Fp16.HalfToSingle(dmin) * a->D * msum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotAvx2<TMultiplyAdd>(byte* row, byte* activations, int n) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        var a = (BlockQ8_K*)activations;
        Vector256<float> c = default;
        Vector128<float> m = default;
        for (int b = 0; b < n / BlockQ4_K.Elements; b++)
        {
            WeightPrefetch.Ahead(row + b * BlockQ4_K.Bytes, BlockQ4_K.Bytes);
            Vector128<short> pairs = Nibbles.SubBlockSums(a[b].BSums);
            Block<TMultiplyAdd>((BlockQ4_K*)row + b, a[b].Qs, pairs, a[b].D, ref c, ref m);
        }
        return Nibbles.Sum(c) + Nibbles.Sum(m);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector128(byte* row, byte* activations, int n)
    {
        var w = (BlockQ4_K*)row;
        var a = (BlockQ8_K*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockQ4_K.Elements; b++)
            sum += ScaleMinBlockVector128(w[b].Qs, null, w[b].Scales, w[b].D, w[b].DMin, a + b);
        return sum;
    }

    /// <summary>
    /// One super-block of the scale-and-minimum K-quants on the portable path (ARM64 and others): Q4_K's nibbles, and
    /// for Q5_K (<paramref name="qh"/> not null) bit s of qh[l] as bit 4 of value 32s+l; 16 values a step through
    /// <see cref="Int8Dot"/>'s widening integers, each sub-block's sum times its scale, less the minimum term.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ScaleMinBlockVector128(byte* qs, byte* qh, byte* packedScales, ushort d, ushort dmin, BlockQ8_K* a)
    {
        var (sc, mn) = BlockQ4_K.ScalesAndMins(packedScales);
        Vector128<byte> m4 = Vector128.Create((byte)0x0F), one = Vector128<byte>.One;
        Vector128<int> isum = Vector128<int>.Zero;
        int msum = 0;
        for (int s = 0; s < 8; s++)
        {
            Vector128<int> part = Vector128<int>.Zero;
            for (int half = 0; half < 2; half++)
            {
                Vector128<byte> q = Vector128.Load(qs + 32 * (s / 2) + 16 * half);
                Vector128<byte> u = (s & 1) == 0 ? q & m4 : Vector128.ShiftRightLogical(q, 4);
                if (qh != null) u |= Vector128.ShiftLeft(Vector128.ShiftRightLogical(Vector128.Load(qh + 16 * half), s) & one, 4);
                part += Int8Dot.MultiplyAdd(u.AsSByte(), Vector128.Load(a->Qs + 32 * s + 16 * half));
            }
            isum += part * (int)(byte)(sc >> (8 * s));
            msum += (byte)(mn >> (8 * s)) * (a->BSums[2 * s] + a->BSums[2 * s + 1]);
        }
        return Fp16.HalfToSingle(d) * a->D * Vector128.Sum(isum) - Fp16.HalfToSingle(dmin) * a->D * msum;
    }

    /// <summary>
    /// y[t * yStride + r] for 2 rows and 8 tokens (AVX2): each 32-byte run of nibbles is unpacked, and its two
    /// sub-block scales broadcast, once for 8 tokens; each activation run loaded once for both rows. Integer sums per
    /// super-block, then scaled into f32 sums per row and token in <paramref name="y"/>'s place (a stack tile of
    /// accumulators: 16 of them would not stay in registers next to the 16 integer sums anyway). Both rows' minimum
    /// terms take one 256-bit multiply-add per token.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx2<TMultiplyAdd>(byte* row, long rowStride, byte* activations, long aStride, int n, float* y, long yStride) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        // Per token t: scaled sums of row 0 (c[2t]) and row 1 (c[2t + 1]), and [row 0's | row 1's] minimum terms (m[t]).
        Vector256<float>* c = stackalloc Vector256<float>[2 * TileTokens];
        Vector256<float>* m = stackalloc Vector256<float>[TileTokens];
        for (int t = 0; t < TileTokens; t++) c[2 * t] = c[2 * t + 1] = m[t] = default;
        for (int b = 0; b < n / BlockQ4_K.Elements; b++)
        {
            var w0 = (BlockQ4_K*)row + b;
            var w1 = (BlockQ4_K*)(row + rowStride) + b;
            var a = (BlockQ8_K*)activations + b;
            var (sc0, mn0) = BlockQ4_K.ScalesAndMins(w0->Scales);
            var (sc1, mn1) = BlockQ4_K.ScalesAndMins(w1->Scales);
            Vector256<byte> scales0 = Nibbles.SubBlockScales(sc0), scales1 = Nibbles.SubBlockScales(sc1);
            Vector256<int> i00 = default, i01 = default, i02 = default, i03 = default, i04 = default, i05 = default, i06 = default, i07 = default;
            Vector256<int> i10 = default, i11 = default, i12 = default, i13 = default, i14 = default, i15 = default, i16 = default, i17 = default;
            for (int j = 0; j < 4; j++)
            {
                Vector256<byte> q0 = Vector256.Load(w0->Qs + 32 * j), q1 = Vector256.Load(w1->Qs + 32 * j);
                Vector256<byte> lo0 = q0 & m4, hi0 = Nibbles.High(q0), lo1 = q1 & m4, hi1 = Nibbles.High(q1);
                Vector256<short> s0l = Nibbles.ScaleOf(scales0, 2 * j), s0h = Nibbles.ScaleOf(scales0, 2 * j + 1);
                Vector256<short> s1l = Nibbles.ScaleOf(scales1, 2 * j), s1h = Nibbles.ScaleOf(scales1, 2 * j + 1);
                sbyte* x = a->Qs + 64 * j;
                Step<TMultiplyAdd>(x, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i00, ref i10);
                Step<TMultiplyAdd>(x + aStride, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i01, ref i11);
                Step<TMultiplyAdd>(x + 2 * aStride, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i02, ref i12);
                Step<TMultiplyAdd>(x + 3 * aStride, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i03, ref i13);
                Step<TMultiplyAdd>(x + 4 * aStride, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i04, ref i14);
                Step<TMultiplyAdd>(x + 5 * aStride, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i05, ref i15);
                Step<TMultiplyAdd>(x + 6 * aStride, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i06, ref i16);
                Step<TMultiplyAdd>(x + 7 * aStride, lo0, hi0, s0l, s0h, lo1, hi1, s1l, s1h, ref i07, ref i17);
            }
            var f = new Factors(w0, w1, mn0, mn1);
            f.Finish((BlockQ8_K*)(byte*)a, i00, i10, c, m);
            f.Finish((BlockQ8_K*)((byte*)a + aStride), i01, i11, c + 2, m + 1);
            f.Finish((BlockQ8_K*)((byte*)a + 2 * aStride), i02, i12, c + 4, m + 2);
            f.Finish((BlockQ8_K*)((byte*)a + 3 * aStride), i03, i13, c + 6, m + 3);
            f.Finish((BlockQ8_K*)((byte*)a + 4 * aStride), i04, i14, c + 8, m + 4);
            f.Finish((BlockQ8_K*)((byte*)a + 5 * aStride), i05, i15, c + 10, m + 5);
            f.Finish((BlockQ8_K*)((byte*)a + 6 * aStride), i06, i16, c + 12, m + 6);
            f.Finish((BlockQ8_K*)((byte*)a + 7 * aStride), i07, i17, c + 14, m + 7);
        }
        for (int t = 0; t < TileTokens; t++)
        {
            y[t * yStride] = Nibbles.Sum(c[2 * t]) + Nibbles.Sum(m[t].GetLower());
            y[t * yStride + 1] = Nibbles.Sum(c[2 * t + 1]) + Nibbles.Sum(m[t].GetUpper());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TMultiplyAdd>(sbyte* x, Vector256<byte> lo0, Vector256<byte> hi0, Vector256<short> s0l, Vector256<short> s0h,
                             Vector256<byte> lo1, Vector256<byte> hi1, Vector256<short> s1l, Vector256<short> s1h,
                             ref Vector256<int> i0, ref Vector256<int> i1) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<sbyte> xl = Vector256.Load(x), xh = Vector256.Load(x + 32);
        i0 = TMultiplyAdd.AddScaled(TMultiplyAdd.AddScaled(i0, lo0, xl, s0l), hi0, xh, s0h);
        i1 = TMultiplyAdd.AddScaled(TMultiplyAdd.AddScaled(i1, lo1, xl, s1l), hi1, xh, s1h);
    }

    /// <summary>A super-block's per-row factors for the tile's 2 rows: scales d, the minimums (both rows in one vector) and -dmin.</summary>
    private readonly struct Factors(BlockQ4_K* w0, BlockQ4_K* w1, ulong mn0, ulong mn1)
    {
        private readonly Vector256<float> _d0 = Vector256.Create(Fp16.HalfToSingle(w0->D)), _d1 = Vector256.Create(Fp16.HalfToSingle(w1->D));
        private readonly Vector256<float> _dMin = Vector256.Create(Vector128.Create(-Fp16.HalfToSingle(w0->DMin)), Vector128.Create(-Fp16.HalfToSingle(w1->DMin)));
        private readonly Vector256<short> _mins = Avx2.ConvertToVector256Int16(Vector128.Create(mn0, mn1).AsByte());

        /// <summary>
        /// c[0], c[1] += the rows' integer sums times d * d_a; m += [row 0 | row 1] of -dmin * d_a * (minimums times
        /// the activations' sub-block sums, ggml's 4-lane minimum term).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Finish(BlockQ8_K* a, Vector256<int> i0, Vector256<int> i1, Vector256<float>* c, Vector256<float>* m)
        {
            Vector256<float> da = Vector256.Create(a->D);
            Vector128<short> pairs = Nibbles.SubBlockSums(a->BSums);
            Vector256<int> minTerms = Avx2.MultiplyAddAdjacent(_mins, Vector256.Create(pairs, pairs));
            *m = Fma.MultiplyAdd(Avx.ConvertToVector256Single(minTerms), da * _dMin, *m);
            c[0] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), da * _d0, c[0]);
            c[1] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i1), da * _d1, c[1]);
        }
    }
}

/// <summary>Nibble and scale helpers the K-quant kernels share.</summary>
internal static class Nibbles
{
    /// <summary>The 8 sub-block scales (bytes of <paramref name="scales"/>) as 16-bit lanes, in both 128-bit halves, for <see cref="ScaleOf"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> SubBlockScales(ulong scales)
    {
        Vector128<short> sc16 = Sse41.ConvertToVector128Int16(Vector128.CreateScalar(scales).AsByte());
        return Vector256.Create(sc16, sc16).AsByte();
    }

    /// <summary>Sub-block s's scale in every 16-bit lane: one vpshufb of <see cref="SubBlockScales"/>, not a scalar shift and broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> ScaleOf(Vector256<byte> scales, int s) =>
        Avx2.Shuffle(scales, Vector256.Create((ushort)(2 * s | (2 * s + 1) << 8)).AsByte()).AsInt16();

    /// <summary>
    /// [scale of group 2c x8 | scale of group 2c+1 x8] as shorts, from a super-block's 16 signed 8-bit group scales in
    /// both halves of <paramref name="scales"/>: a vpshufb puts each scale in the high byte of its lanes, an arithmetic
    /// shift extends it (Q6_K, Q3_K, and Q2_K's 4-bit scales).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<short> GroupScales(Vector256<byte> scales, int c) =>
        Avx2.ShiftRightArithmetic(Avx2.Shuffle(scales, Vector256.Load(ScaleMasks + 32 * c)).AsInt16(), 8);

    // Per chunk c: in the low half, lanes (zero, byte 2c); in the high half, (zero, byte 2c+1).
    private static unsafe byte* ScaleMasks => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(ScaleMaskBytes));

    private static ReadOnlySpan<byte> ScaleMaskBytes =>
    [
        0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 0, 0x80, 1, 0x80, 1, 0x80, 1, 0x80, 1, 0x80, 1, 0x80, 1, 0x80, 1, 0x80, 1,
        0x80, 2, 0x80, 2, 0x80, 2, 0x80, 2, 0x80, 2, 0x80, 2, 0x80, 2, 0x80, 2, 0x80, 3, 0x80, 3, 0x80, 3, 0x80, 3, 0x80, 3, 0x80, 3, 0x80, 3, 0x80, 3,
        0x80, 4, 0x80, 4, 0x80, 4, 0x80, 4, 0x80, 4, 0x80, 4, 0x80, 4, 0x80, 4, 0x80, 5, 0x80, 5, 0x80, 5, 0x80, 5, 0x80, 5, 0x80, 5, 0x80, 5, 0x80, 5,
        0x80, 6, 0x80, 6, 0x80, 6, 0x80, 6, 0x80, 6, 0x80, 6, 0x80, 6, 0x80, 6, 0x80, 7, 0x80, 7, 0x80, 7, 0x80, 7, 0x80, 7, 0x80, 7, 0x80, 7, 0x80, 7,
        0x80, 8, 0x80, 8, 0x80, 8, 0x80, 8, 0x80, 8, 0x80, 8, 0x80, 8, 0x80, 8, 0x80, 9, 0x80, 9, 0x80, 9, 0x80, 9, 0x80, 9, 0x80, 9, 0x80, 9, 0x80, 9,
        0x80, 10, 0x80, 10, 0x80, 10, 0x80, 10, 0x80, 10, 0x80, 10, 0x80, 10, 0x80, 10, 0x80, 11, 0x80, 11, 0x80, 11, 0x80, 11, 0x80, 11, 0x80, 11, 0x80, 11, 0x80, 11,
        0x80, 12, 0x80, 12, 0x80, 12, 0x80, 12, 0x80, 12, 0x80, 12, 0x80, 12, 0x80, 12, 0x80, 13, 0x80, 13, 0x80, 13, 0x80, 13, 0x80, 13, 0x80, 13, 0x80, 13, 0x80, 13,
        0x80, 14, 0x80, 14, 0x80, 14, 0x80, 14, 0x80, 14, 0x80, 14, 0x80, 14, 0x80, 14, 0x80, 15, 0x80, 15, 0x80, 15, 0x80, 15, 0x80, 15, 0x80, 15, 0x80, 15, 0x80, 15,
    ];

    /// <summary>High nibbles of each byte (a 16-bit shift, then a mask for what the neighbour byte leaked in).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> High(Vector256<byte> q) => Vector256.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & Vector256.Create((byte)0x0F);

    /// <summary>
    /// 8 sub-block minimums (bytes of <paramref name="mins"/>) as 16 shorts, each twice: multiplied with Q8_K's 16
    /// group sums by vpmaddwd, lane s is min_s * (bsums[2s] + bsums[2s+1]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> PairedMins(ulong mins)
    {
        Vector128<byte> m = Vector128.CreateScalar(mins).AsByte();
        return Avx2.ConvertToVector256Int16(Sse2.UnpackLow(m, m)).AsInt16();
    }

    /// <summary>Q8_K's 16 group sums added in pairs: one sum per 32-value sub-block, for the minimum terms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128<short> SubBlockSums(short* bsums) => Ssse3.HorizontalAdd(Vector128.Load(bsums), Vector128.Load(bsums + 8));

    /// <summary>
    /// ggml's 4-lane minimum term of Q4_K: the sub-blocks' activation sums (<see cref="SubBlockSums"/>) times the 8
    /// minimums, lane k = min_2k * sum_2k + min_2k+1 * sum_2k+1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MinTerm(Vector128<short> sums, ulong mins) =>
        Sse2.MultiplyAddAdjacent(Sse41.ConvertToVector128Int16(Vector128.CreateScalar(mins).AsByte()), sums);

    /// <summary>ggml's hsum_float_8: the two halves added, then lanes (0+2) + (1+3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v) => Sum(v.GetLower() + v.GetUpper());

    /// <summary>ggml's 4-lane order: (0+2) + (1+3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> v) => (v.GetElement(0) + v.GetElement(2)) + (v.GetElement(1) + v.GetElement(3));
}
