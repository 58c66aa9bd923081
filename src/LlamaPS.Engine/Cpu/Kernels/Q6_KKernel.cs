using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q6_K weights with Q8_K activations: per super-block d_w * d_a * sum over 16 groups of scale * sum(q_w * q_a).
/// The GEMM tile (2 rows by 8 tokens) unpacks each 32-value run once for 8 tokens. Both keep ggml's AVX2 lanes
/// (each int32 lane sums 4 adjacent products) and f32 order, so the results are llama.cpp's to the bit. One token on
/// the AVX-512 path takes <see cref="Q6_KAvx512"/> (fewer instructions, another order of f32 sums).
/// </summary>
internal sealed unsafe class Q6_KKernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q6_K;
    public override ActivationFormat Activation => ActivationFormat.Q8_K;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2, SimdPath.AvxVnni, SimdPath.Avx512];

    public const int TileRows = 2, TileTokens = 8;

    public override void DotRows(byte* row, long rowStride, byte* activations, int n, float* y, int rows, SimdPath path)
    {
        if (path == SimdPath.Avx512) Q6_KAvx512.Dot(row, rowStride, activations, n, y, rows);
        else base.DotRows(row, rowStride, activations, n, y, rows, path);
    }

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        SimdPath.Avx512 => DotOfOneRow(row, activations, n, path),
        >= SimdPath.Avx2 => SimdPaths.TakesAvxVnni(path) ? DotAvx2<AvxVnniMultiplyAdd>(row, activations, n) : DotAvx2<Avx2MultiplyAdd>(row, activations, n),
        SimdPath.Vector128 => DotVector128(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    /// <summary>
    /// The portable path (ARM64 and others), 16 values (one scale group) a step: the 6-bit values unpacked unsigned
    /// (0..63) as the AVX2 chunks are, multiplied in <see cref="Int8Dot"/>'s widening integers and scaled per group;
    /// the -32 offset comes off once per super-block as 32 * sum_g scale_g * (Q8_K's group sum g).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector128(byte* row, byte* activations, int n)
    {
        var w = (BlockQ6_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector128<byte> m4 = Vector128.Create((byte)0x0F), m3 = Vector128.Create((byte)3);
        float sum = 0;
        for (int b = 0; b < n / BlockQ6_K.Elements; b++, w++, a++)
        {
            Vector128<int> isum = Vector128<int>.Zero;
            int offset = 0;
            for (int g = 0; g < 16; g++)
            {
                // Group g: values 16g..16g+15 of chunk c = g / 2 (half c / 4, quarter k = c % 4), bytes 16(g % 2) on.
                int c = g >> 1, half = c >> 2, k = c & 3, at = 16 * (g & 1);
                Vector128<byte> ql = Vector128.Load(w->Ql + 64 * half + 32 * (k & 1) + at), h = Vector128.Load(w->Qh + 32 * half + at);
                Vector128<byte> low = k < 2 ? ql & m4 : Vector128.ShiftRightLogical(ql, 4);
                Vector128<byte> u = low | Vector128.ShiftLeft(Vector128.ShiftRightLogical(h, 2 * k) & m3, 4);
                isum += Int8Dot.MultiplyAdd(u.AsSByte(), Vector128.Load(a->Qs + 16 * g)) * (int)w->Scales[g];
                offset += w->Scales[g] * a->BSums[g];
            }
            sum += Fp16.HalfToSingle(w->D) * a->D * (Vector128.Sum(isum) - 32 * offset);
        }
        return sum;
    }

    public override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) => path >= SimdPath.Avx2 && tokens >= TileTokens ? (TileRows, TileTokens) : (1, 1);

    protected override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path)
    {
        if (SimdPaths.TakesAvxVnni(path)) TileAvx2<AvxVnniMultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
        else TileAvx2<Avx2MultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
    }

    /// <summary>
    /// y[t * yStride + r] for 2 rows and 8 tokens (AVX2): each 32-value run unpacked once for 8 tokens. The 6-bit
    /// values stay unsigned (0..63), so vpmaddubsw takes them as they are; the -32 offset is subtracted once per
    /// super-block as 32 * sum_g scale_g * (Q8_K's sum of group g), instead of a sign operation per product.
    /// The f32 sums per row and token live in a stack tile (they would not stay in registers next to the 16
    /// integer sums anyway).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileAvx2<TMultiplyAdd>(byte* row, long rowStride, byte* activations, long aStride, int n, float* y, long yStride) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        // Per token t: row 0's sums in acc[2t], row 1's in acc[2t + 1].
        Vector256<float>* acc = stackalloc Vector256<float>[TileRows * TileTokens];
        for (int i = 0; i < TileRows * TileTokens; i++) acc[i] = default;
        for (int b = 0; b < n / BlockQ6_K.Elements; b++)
        {
            var w0 = (BlockQ6_K*)row + b;
            var w1 = (BlockQ6_K*)(row + rowStride) + b;
            var a = (BlockQ8_K*)activations + b;
            Vector128<sbyte> raw0 = Vector128.Load(w0->Scales), raw1 = Vector128.Load(w1->Scales);
            Vector256<byte> dup0 = Vector256.Create(raw0, raw0).AsByte(), dup1 = Vector256.Create(raw1, raw1).AsByte();
            Vector256<int> i00 = default, i01 = default, i02 = default, i03 = default, i04 = default, i05 = default, i06 = default, i07 = default;
            Vector256<int> i10 = default, i11 = default, i12 = default, i13 = default, i14 = default, i15 = default, i16 = default, i17 = default;
            for (int c = 0; c < 8; c++)
            {
                Vector256<byte> q0 = UnsignedChunk(w0, c), q1 = UnsignedChunk(w1, c);
                Vector256<short> s0 = Nibbles.GroupScales(dup0, c), s1 = Nibbles.GroupScales(dup1, c);
                sbyte* x = a->Qs + 32 * c;
                Step<TMultiplyAdd>(Vector256.Load(x), q0, s0, q1, s1, ref i00, ref i10);
                Step<TMultiplyAdd>(Vector256.Load(x + aStride), q0, s0, q1, s1, ref i01, ref i11);
                Step<TMultiplyAdd>(Vector256.Load(x + 2 * aStride), q0, s0, q1, s1, ref i02, ref i12);
                Step<TMultiplyAdd>(Vector256.Load(x + 3 * aStride), q0, s0, q1, s1, ref i03, ref i13);
                Step<TMultiplyAdd>(Vector256.Load(x + 4 * aStride), q0, s0, q1, s1, ref i04, ref i14);
                Step<TMultiplyAdd>(Vector256.Load(x + 5 * aStride), q0, s0, q1, s1, ref i05, ref i15);
                Step<TMultiplyAdd>(Vector256.Load(x + 6 * aStride), q0, s0, q1, s1, ref i06, ref i16);
                Step<TMultiplyAdd>(Vector256.Load(x + 7 * aStride), q0, s0, q1, s1, ref i07, ref i17);
            }
            Vector256<short> sc0 = Avx2.ConvertToVector256Int16(raw0), sc1 = Avx2.ConvertToVector256Int16(raw1);
            Vector256<float> d0 = Vector256.Create(Fp16.HalfToSingle(w0->D)), d1 = Vector256.Create(Fp16.HalfToSingle(w1->D));
            byte* a0 = (byte*)a;
            Finish((BlockQ8_K*)a0, i00, i10, sc0, sc1, d0, d1, acc);
            Finish((BlockQ8_K*)(a0 + aStride), i01, i11, sc0, sc1, d0, d1, acc + 2);
            Finish((BlockQ8_K*)(a0 + 2 * aStride), i02, i12, sc0, sc1, d0, d1, acc + 4);
            Finish((BlockQ8_K*)(a0 + 3 * aStride), i03, i13, sc0, sc1, d0, d1, acc + 6);
            Finish((BlockQ8_K*)(a0 + 4 * aStride), i04, i14, sc0, sc1, d0, d1, acc + 8);
            Finish((BlockQ8_K*)(a0 + 5 * aStride), i05, i15, sc0, sc1, d0, d1, acc + 10);
            Finish((BlockQ8_K*)(a0 + 6 * aStride), i06, i16, sc0, sc1, d0, d1, acc + 12);
            Finish((BlockQ8_K*)(a0 + 7 * aStride), i07, i17, sc0, sc1, d0, d1, acc + 14);
        }
        for (int t = 0; t < TileTokens; t++)
        {
            y[t * yStride] = Vector256.Sum(acc[2 * t]);
            y[t * yStride + 1] = Vector256.Sum(acc[2 * t + 1]);
        }
    }

    /// <summary>Elements 32c..32c+31 as stored (q + 32, 0..63): ql's low or high nibbles joined with qh's bit pair 2(c % 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> UnsignedChunk(BlockQ6_K* w, int c)
    {
        int half = c >> 2, k = c & 3;
        Vector256<byte> ql = Vector256.Load(w->Ql + 64 * half + 32 * (k & 1)), h = Vector256.Load(w->Qh + 32 * half);
        Vector256<byte> low = k < 2 ? ql & Vector256.Create((byte)0x0F) : ShiftRight(ql, 4);
        return low | ShiftLeft(ShiftRight(h, 2 * k) & Vector256.Create((byte)3), 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TMultiplyAdd>(Vector256<sbyte> x, Vector256<byte> q0, Vector256<short> s0, Vector256<byte> q1, Vector256<short> s1,
                             ref Vector256<int> i0, ref Vector256<int> i1) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        // Each 16-bit pair sum is at most 2 * 63 * 128, far from saturating.
        i0 = TMultiplyAdd.AddScaled(i0, q0, x, s0);
        i1 = TMultiplyAdd.AddScaled(i1, q1, x, s1);
    }

    /// <summary>Takes the -32 offset out of the super-block's sums (32 * scale_g * bsum_g, lane by lane), then scales into the 2 rows' f32 sums acc[0], acc[1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(BlockQ8_K* a, Vector256<int> i0, Vector256<int> i1, Vector256<short> sc0, Vector256<short> sc1,
                               Vector256<float> d0, Vector256<float> d1, Vector256<float>* acc)
    {
        Vector256<float> da = Vector256.Create(a->D);
        Vector256<short> bsums = Vector256.Load(a->BSums);
        i0 -= Avx2.ShiftLeftLogical(Avx2.MultiplyAddAdjacent(sc0, bsums), 5);
        i1 -= Avx2.ShiftLeftLogical(Avx2.MultiplyAddAdjacent(sc1, bsums), 5);
        acc[0] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), d0 * da, acc[0]);
        acc[1] = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i1), d1 * da, acc[1]);
    }

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ6_K.DequantizeRow(new ReadOnlySpan<BlockQ6_K>(row, dst.Length / BlockQ6_K.Elements), dst);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotAvx2<TMultiplyAdd>(byte* row, byte* activations, int n) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        var w = (BlockQ6_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < n / BlockQ6_K.Elements; b++)
        {
            // As the tile: unsigned values times activations, the -32 offset taken out once through the group sums.
            WeightPrefetch.Ahead((byte*)(w + b), BlockQ6_K.Bytes);
            Vector128<sbyte> raw = Vector128.Load(w[b].Scales);
            Vector256<byte> scales = Vector256.Create(raw, raw).AsByte();
            Vector256<int> isum = -Avx2.ShiftLeftLogical(Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(raw), Vector256.Load(a[b].BSums)), 5);
            for (int half = 0; half < 2; half++)
            {
                byte* ql = w[b].Ql + 64 * half;
                byte* qh = w[b].Qh + 32 * half;
                Vector256<byte> qlA = Vector256.Load(ql), qlB = Vector256.Load(ql + 32), h = Vector256.Load(qh);
                // The four 32-element runs of this half, each nibble joined with its 2 high bits.
                Vector256<byte> q0 = (qlA & m4) | HighPair(h, 0);
                Vector256<byte> q1 = (qlB & m4) | HighPair(h, 1);
                Vector256<byte> q2 = ShiftRight(qlA, 4) | HighPair(h, 2);
                Vector256<byte> q3 = ShiftRight(qlB, 4) | HighPair(h, 3);
                sbyte* act = a[b].Qs + 128 * half;
                int c = 4 * half;
                isum = TMultiplyAdd.AddScaled(isum, q0, Vector256.Load(act), Nibbles.GroupScales(scales, c));
                isum = TMultiplyAdd.AddScaled(isum, q1, Vector256.Load(act + 32), Nibbles.GroupScales(scales, c + 1));
                isum = TMultiplyAdd.AddScaled(isum, q2, Vector256.Load(act + 64), Nibbles.GroupScales(scales, c + 2));
                isum = TMultiplyAdd.AddScaled(isum, q3, Vector256.Load(act + 96), Nibbles.GroupScales(scales, c + 3));
            }
            float d = Fp16.HalfToSingle(w[b].D) * a[b].D;
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(d), acc);
        }
        return Vector256.Sum(acc);
    }

    /// <summary>
    /// qh's bit pair k (bits 2k, 2k+1 of each byte) moved to bits 4-5, where it joins the low nibble: one 16-bit
    /// shift and a mask, since whatever the shift brings over from the neighbour byte falls outside bits 4-5.
    /// For a constant k only (the dot product's unrolled runs); the tile's loop shifts by a variable count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> HighPair(Vector256<byte> h, int k)
    {
        Vector256<ushort> v = h.AsUInt16();
        Vector256<ushort> moved = k == 0 ? Vector256.ShiftLeft(v, 4) : k == 1 ? Vector256.ShiftLeft(v, 2) : k == 2 ? v : Vector256.ShiftRightLogical(v, 2);
        return moved.AsByte() & Vector256.Create((byte)0x30);
    }

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
