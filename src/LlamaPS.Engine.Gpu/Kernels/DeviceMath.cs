using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Scalar helpers the kernels share, written with integer and bit operations only so that every backend runs them
/// the same way: no ILGPU.Half (OpenCL would need cl_khr_fp16), no rounding mode the backend may choose for us.
/// Conversions between float and integers go through int: ILGPU converts unsigned ones by way of double, which
/// OpenCL devices without fp64 lack.
/// </summary>
public static class DeviceMath
{
    /// <summary>An IEEE half, given as its bits, widened to float (exact, subnormals included).</summary>
    public static float HalfToFloat(uint h)
    {
        uint exponent = h & 0x7C00, mantissa = h & 0x3FF;
        float magnitude = exponent == 0
            ? (int)mantissa * 5.9604645e-8f // subnormal: mantissa * 2^-24, an exact integer conversion, no denormal arithmetic
            : exponent == 0x7C00
                ? Interop.IntAsFloat(0x7F800000u | (mantissa << 13))
                : Interop.IntAsFloat(((h & 0x7FFF) << 13) + 0x38000000u); // rebias 15 -> 127
        return (h & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /// <summary>
    /// i as a float for |i| below 2^22, by adding it to the mantissa of 1.5 * 2^23 and subtracting that again: two
    /// full-rate operations where a conversion instruction runs at an eighth of the rate on NVIDIA GPUs.
    /// </summary>
    public static float SmallIntToFloat(int i) => Interop.IntAsFloat(0x4B400000u + (uint)i) - 12582912f;

    /// <summary>A bfloat16, given as its bits, widened to float.</summary>
    public static float BFloat16ToFloat(uint b) => Interop.IntAsFloat(b << 16);

    /// <summary>The nearest half (ties to even) as bits, as ggml's FP32_TO_FP16; NaN stays NaN, overflow goes to infinity.</summary>
    public static uint FloatToHalf(float f)
    {
        uint x = Interop.FloatAsInt(f);
        uint sign = (x >> 16) & 0x8000, a = x & 0x7FFFFFFF;
        if (a > 0x7F800000) return sign | 0x7E00;
        if (a >= 0x477FF000) return sign | 0x7C00; // 65520 and above round to infinity
        if (a < 0x38800000)
        {
            // Below the smallest normal half: an integer count of 2^-24, rounded to even (1024 is the smallest normal).
            return sign | (uint)(int)RoundHalfEven(Interop.IntAsFloat(a) * 16777216f);
        }
        a += 0xFFF + ((a >> 13) & 1);
        return sign | ((a - 0x38000000u) >> 13);
    }

    /// <summary>x rounded to the nearest half and back, as ggml's f16 activations are.</summary>
    public static float RoundToHalf(float x) => HalfToFloat(FloatToHalf(x));

    /// <summary>x rounded to the nearest bfloat16 (ties to even) and back; NaN stays NaN.</summary>
    public static float RoundToBFloat16(float x)
    {
        uint u = Interop.FloatAsInt(x);
        if ((u & 0x7FFFFFFF) > 0x7F800000) return x;
        return Interop.IntAsFloat((u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000u);
    }

    /// <summary>
    /// x rounded to f16's 11 significant bits, ties to even, kept in float: the attention accumulator's rounding
    /// (exact over f16's normal range, which attention sums stay in).
    /// </summary>
    public static float RoundToHalfPrecision(float x)
    {
        uint u = Interop.FloatAsInt(x);
        u += 0x0FFFu + ((u >> 13) & 1);
        return Interop.IntAsFloat(u & 0xFFFFE000u);
    }

    /// <summary>
    /// x - 2 pi k for the k that brings it nearest 0 (Cody-Waite: 2 pi split in a head of 8 significant bits, exact
    /// when multiplied by k below 2^15, and the tail), so cos and sin see the angle with f32 accuracy.
    /// </summary>
    public static float ReduceAngle(float x)
    {
        const float TwoPiHead = 6.28125f, TwoPiTail = 1.9353071795864769e-3f;
        float k = RoundHalfEven(x * 0.15915494f);
        return x - k * TwoPiHead - k * TwoPiTail;
    }

    /// <summary>Round to nearest, ties to even, for |x| below 2^22 (quantization works with |x| &lt;= 127).</summary>
    public static float RoundHalfEven(float x)
    {
        float r = MathF.Floor(x + 0.5f);
        if (r - x == 0.5f && ((int)r & 1) != 0) r -= 1f;
        return r;
    }

    /// <summary>Each byte of w (all below 128) minus z, as four signed bytes: no borrow crosses a byte.</summary>
    public static uint SubtractFromBytes(uint w, uint z) => ((w | 0x80808080u) - z * 0x01010101u) ^ 0x80808080u;

    /// <summary>Signed byte i (0..3) of a word.</summary>
    public static int SignedByte(uint w, int i) => (int)(w << (24 - 8 * i)) >> 24;
}
