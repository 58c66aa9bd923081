using System.Runtime.CompilerServices;

namespace LlamaPS.Engine.Quants;

/// <summary>IEEE half and bfloat16 conversions on raw bits, as GGUF stores them.</summary>
public static class Fp16
{
    // A lookup table (256 KiB), as ggml keeps one: block scales are converted once per block in the hot loops.
    // Unmanaged, so that its address is a constant to the JIT: kernels index it directly, without reloading an
    // array reference in every loop iteration. Allocated once for the process's lifetime.
    private static readonly unsafe float* HalfTable = BuildHalfTable();

    private static unsafe float* BuildHalfTable()
    {
        var table = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(65536 * sizeof(float), 64);
        for (int i = 0; i < 65536; i++) table[i] = (float)BitConverter.UInt16BitsToHalf((ushort)i);
        return table;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe float HalfToSingle(ushort bits) => HalfTable[bits];

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
