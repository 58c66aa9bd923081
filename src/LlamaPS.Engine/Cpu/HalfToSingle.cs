using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// dst[i] = (float)src[i] for f16 bits, exactly (subnormals, infinities and NaN payloads included), and whether every
/// value was finite. Attention widens the cached K and V rows of a kv head with it, chunk by chunk, so it must cost a
/// fraction of a nanosecond a value, and a row of 64 no call of its own: the bits move into a float's places (exponent and mantissa shifted by 13), which reads as
/// the value times 2^-112 for every finite half, normal or subnormal; one multiply by 2^112 rescales it, and an f16
/// exponent of all ones becomes a float exponent of all ones. Vector256 and Vector128 paths with a scalar tail.
/// </summary>
public static unsafe class HalfToSingle
{
    /// <summary>2^112: an f16's bits moved into a float's places read as the f16's value times 2^-112.</summary>
    public const float BitsScale = 5.192296858534828e33f;

    private const uint Magnitude = 0x7FFF, Exponent = 0x7C00, Sign = 0x8000, SingleExponent = 0x7F800000;

    /// <summary>
    /// Converts <paramref name="rows"/> rows of <paramref name="width"/> values, <paramref name="stride"/> values apart
    /// in <paramref name="src"/>, to consecutive rows of <paramref name="dst"/>; returns false if any was an infinity or NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Convert(ushort* src, long stride, float* dst, int width, int rows)
    {
        bool finite = true;
        for (int r = 0; r < rows; r++) finite &= Row(src + r * stride, dst + (long)r * width, width);
        return finite;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Row(ushort* src, float* dst, int n)
    {
        int i = 0;
        uint special = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<uint> any = Vector256<uint>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(src + i));
                Widen(lo, ref any).Store(dst + i);
                Widen(hi, ref any).Store(dst + i + 8);
            }
            special = any != Vector256<uint>.Zero ? 1u : 0u;
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<uint> any = Vector128<uint>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Load(src + i));
                Widen(lo, ref any).Store(dst + i);
                Widen(hi, ref any).Store(dst + i + 4);
            }
            special = any != Vector128<uint>.Zero ? 1u : 0u;
        }
        for (; i < n; i++)
        {
            uint h = src[i];
            dst[i] = BitConverter.UInt32BitsToSingle(Bits(h));
            special |= (h & Exponent) == Exponent ? 1u : 0u;
        }
        return special == 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Bits(uint h)
    {
        uint magnitude = BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle((h & Magnitude) << 13) * BitsScale);
        return magnitude | ((h & Exponent) == Exponent ? SingleExponent : 0) | ((h & Sign) << 16);
    }

    /// <summary>The 8 f16 values at <paramref name="src"/> as floats, exactly, in a register (the float weight kernels' loads).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Eight(ushort* src)
    {
        Vector256<uint> any = default;
        return Widen(Vector256.WidenLower(Vector128.Load(src).ToVector256Unsafe()), ref any);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Widen(Vector256<uint> h, ref Vector256<uint> any)
    {
        Vector256<uint> special = Vector256.Equals(h & Vector256.Create(Exponent), Vector256.Create(Exponent));
        any |= special;
        Vector256<uint> magnitude = (Vector256.ShiftLeft(h & Vector256.Create(Magnitude), 13).AsSingle() * BitsScale).AsUInt32();
        return (magnitude | (special & Vector256.Create(SingleExponent)) | Vector256.ShiftLeft(h & Vector256.Create(Sign), 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Widen(Vector128<uint> h, ref Vector128<uint> any)
    {
        Vector128<uint> special = Vector128.Equals(h & Vector128.Create(Exponent), Vector128.Create(Exponent));
        any |= special;
        Vector128<uint> magnitude = (Vector128.ShiftLeft(h & Vector128.Create(Magnitude), 13).AsSingle() * BitsScale).AsUInt32();
        return (magnitude | (special & Vector128.Create(SingleExponent)) | Vector128.ShiftLeft(h & Vector128.Create(Sign), 16)).AsSingle();
    }
}
