using System.Runtime.CompilerServices;

namespace LlamaPS.Engine.Quants;

/// <summary>IEEE half and bfloat16 conversions on raw bits, as GGUF stores them.</summary>
public static class Fp16
{
    // A lookup table (256 KiB), as ggml keeps one: block scales are converted once per block in the hot loops.
    private static readonly float[] HalfTable = BuildHalfTable();

    private static float[] BuildHalfTable()
    {
        var table = new float[65536];
        for (int i = 0; i < table.Length; i++) table[i] = (float)BitConverter.UInt16BitsToHalf((ushort)i);
        return table;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HalfToSingle(ushort bits) => Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(HalfTable), bits);

    /// <summary>Round to nearest even, as ggml's FP32_TO_FP16 does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SingleToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>Round to nearest even; NaN stays a quiet NaN (ggml's FP32_TO_BF16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SingleToBFloat16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        if ((u & 0x7fffffff) > 0x7f800000) return (ushort)((u >> 16) | 64);
        return (ushort)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
    }

    /// <summary>The value as the nearest half would hold it, back in float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float RoundToHalf(float value) => (float)(Half)value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float RoundToBFloat16(float value) => BFloat16ToSingle(SingleToBFloat16(value));
}
