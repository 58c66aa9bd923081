using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>ggml's block_q8_0: 32 int8 values with one f16 scale; value[i] = d * qs[i]. 34 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ8_0
{
    public const int Elements = 32;
    public const int Bytes = 34;

    public ushort D;
    public fixed sbyte Qs[Elements];

    /// <summary>
    /// Quantizes one row of activations (n a multiple of 32). The scale is amax/127 stored as f16, the values use
    /// 127/amax and round half to even, as ggml's x86 path does, so our integer products see the same numbers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeRow(ReadOnlySpan<float> x, Span<BlockQ8_0> y)
    {
        for (int b = 0; b < y.Length; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * Elements, Elements);
            float amax = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(xb);
            amax = MathF.Abs(amax);
            float id = amax != 0 ? 127f / amax : 0f;
            ref BlockQ8_0 blk = ref y[b];
            blk.D = Fp16.SingleToHalf(amax / 127f);
            for (int i = 0; i < Elements; i++) blk.Qs[i] = (sbyte)MathF.Round(xb[i] * id);
        }
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ8_0> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ8_0 blk = x[b];
            float d = Fp16.HalfToSingle(blk.D);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * blk.Qs[i];
        }
    }
}
