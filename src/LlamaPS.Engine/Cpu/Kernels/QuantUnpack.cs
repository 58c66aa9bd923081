using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Unpacking steps shared by the 32-value block kernels: 4-bit nibbles (element j low, j+16 high) and the 32 fifth
/// bits of Q5_0/Q5_1 (qh, a little-endian u32, bit i for element i), as byte vectors in element order.
/// </summary>
internal static unsafe class QuantUnpack
{
    /// <summary>The 32 nibbles at <paramref name="qs"/> as bytes 0-15: elements 0-15 in the low lane, 16-31 in the high.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Nibbles256(byte* qs)
    {
        Vector128<byte> q = Vector128.Load(qs);
        Vector256<byte> both = Vector256.Create(q, Vector128.ShiftRightLogical(q.AsUInt16(), 4).AsByte());
        return both & Vector256.Create((byte)0x0F);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<byte> Low, Vector128<byte> High) Nibbles128(byte* qs)
    {
        Vector128<byte> q = Vector128.Load(qs), mask = Vector128.Create((byte)0x0F);
        return (q & mask, Vector128.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & mask);
    }

    /// <summary>0xFF in byte i where bit i of the u32 at <paramref name="qh"/> is set, else 0 (ggml's bytes_from_bits_32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> HighBits256(byte* qh)
    {
        // Each byte of qh to the 8 bytes it covers (the shuffle works per 128-bit lane; both lanes hold qh's 4 bytes).
        Vector256<byte> spread = Avx2.Shuffle(Vector256.Create(Unsafe.ReadUnaligned<uint>(qh)).AsByte(),
            Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
        Vector256<byte> bit = Vector256.Create(0x8040201008040201UL).AsByte();
        return Avx2.CompareEqual(spread & bit, bit);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<byte> Low, Vector128<byte> High) HighBits128(byte* qh)
    {
        Vector128<byte> h = Vector128.Create(Unsafe.ReadUnaligned<uint>(qh)).AsByte();
        Vector128<byte> bit = Vector128.Create(0x8040201008040201UL).AsByte();
        Vector128<byte> lo = Shuffle(h, Vector128.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
        Vector128<byte> hi = Shuffle(h, Vector128.Create((byte)2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
        return (Vector128.Equals(lo & bit, bit), Vector128.Equals(hi & bit, bit));
    }

    /// <summary>Byte table lookup, indices 0-15: pshufb on x86, tbl on ARM64, the portable fallback elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Shuffle(Vector128<byte> table, Vector128<byte> indices)
    {
        if (Ssse3.IsSupported) return Ssse3.Shuffle(table, indices);
        if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.VectorTableLookup(table, indices);
        return Vector128.Shuffle(table, indices);
    }
}
