using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q8_1: 32 int8 values with an f16 scale d and an f16 s = d * sum(qs), 36 bytes; value[i] = d * qs[i].
/// The activation side of Q4_1 and Q5_1 dot products: s carries the weights' min term (m * sum of activations).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ8_1
{
    public const int Elements = 32;
    public const int Bytes = 36;

    public ushort D;
    public ushort S;
    public fixed sbyte Qs[Elements];

    /// <summary>
    /// Quantizes one row of activations (n a multiple of 32) as ggml's x86 quantize_row_q8_1 does: d = amax/127
    /// stored as f16, values x * (127/amax) rounded half to even, and s = f16(d * sum(qs)) with d the f32 scale
    /// before its f16 rounding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeRow(ReadOnlySpan<float> x, Span<BlockQ8_1> y)
    {
        for (int b = 0; b < y.Length; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * Elements, Elements);
            float amax = MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(xb));
            float d = amax / 127f;
            float id = amax != 0 ? 127f / amax : 0f;
            ref BlockQ8_1 blk = ref y[b];
            int sum = 0;
            for (int i = 0; i < Elements; i++)
            {
                int q = (int)MathF.Round(xb[i] * id);
                blk.Qs[i] = (sbyte)q;
                sum += q;
            }
            blk.D = Fp16.SingleToHalf(d);
            blk.S = Fp16.SingleToHalf(d * sum);
        }
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ8_1> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ8_1 blk = x[b];
            float d = Fp16.HalfToSingle(blk.D);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * blk.Qs[i];
        }
    }
}
