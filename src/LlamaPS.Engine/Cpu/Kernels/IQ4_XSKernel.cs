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
internal sealed unsafe class IQ4_XSKernel : QuantizedKernel<Q8_KRunsDot<IQ4_XSKernel.Runs>>
{
    public override GgmlType Type => GgmlType.IQ4_XS;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockIQ4_XS.DequantizeRow(new ReadOnlySpan<BlockIQ4_XS>(row, dst.Length / BlockIQ4_XS.Elements), dst);

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

    /// <summary>
    /// The super-block as <see cref="Q8_KRunsDot{TBlock}"/> takes it: run r is the table levels of the 16 index bytes
    /// at 16r, low nibbles then high (IQ4_NL's vpshufb), signed; sub-block r's scale for both halves.
    /// </summary>
    internal readonly struct Runs : IQ8_KRunBlock<Runs>
    {
        private readonly BlockIQ4_XS* _w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Runs(BlockIQ4_XS* w) => _w = w;

        public static int BlockBytes => BlockIQ4_XS.Bytes;
        public static float Vector128Dot(byte* row, byte* activations, int n) => DotVector128(row, activations, n);
        public static bool Signed => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Runs Prepare(byte* block) => new((BlockIQ4_XS*)block);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<byte> Run(int r, out Vector256<short> scales)
        {
            scales = Vector256.Create((short)_w->Scale(r));
            return IQ4_NLKernel.Block.Levels256(_w->Qs + 16 * r).AsByte();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Finish(BlockQ8_K* a, Vector256<int> isum, ref Vector256<float> acc, ref float rest) =>
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum), Vector256.Create(Fp16.HalfToSingle(_w->D) * a->D), acc);

        public static float Result(Vector256<float> acc, float rest) => Vector256.Sum(acc);
    }
}
