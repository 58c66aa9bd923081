using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The form activations take before a dot product with a weight row, as ggml's vec_dot_type: quantized weights
/// meet activations quantized on the fly (integer products), f16/bf16 weights meet activations rounded to f16/bf16.
/// Rounded activations stay f32 in memory so the dot kernels read them directly.
/// </summary>
public enum ActivationFormat
{
    F32,
    F16Rounded,
    BF16Rounded,
    Q8_0,
    Q8_K,
    Q8_1,
    /// <summary>Q8_0's values rearranged in block pairs with f32 scales and block sums (<see cref="Cpu.Q8_0Pairs"/>).</summary>
    Q8_0Pairs,
}

public static class ActivationFormats
{
    /// <summary>Bytes one row of <paramref name="n"/> activations takes in <paramref name="format"/>.</summary>
    public static int RowBytes(this ActivationFormat format, int n) => format switch
    {
        ActivationFormat.Q8_0 => n / BlockQ8_0.Elements * BlockQ8_0.Bytes,
        ActivationFormat.Q8_K => n / BlockQ8_K.Elements * BlockQ8_K.Bytes,
        ActivationFormat.Q8_1 => n / BlockQ8_1.Elements * BlockQ8_1.Bytes,
        ActivationFormat.Q8_0Pairs => Q8_0Pairs.RowBytes(n),
        _ => n * sizeof(float),
    };

    /// <summary>Converts one row of activations into <paramref name="format"/>.</summary>
    public static void Convert(this ActivationFormat format, ReadOnlySpan<float> x, Span<byte> dst)
    {
        switch (format)
        {
            case ActivationFormat.F32:
                x.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(dst));
                break;
            case ActivationFormat.F16Rounded:
            {
                Span<float> y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(dst);
                for (int i = 0; i < x.Length; i++) y[i] = Fp16.RoundToHalf(x[i]);
                break;
            }
            case ActivationFormat.BF16Rounded:
            {
                Span<float> y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(dst);
                for (int i = 0; i < x.Length; i++) y[i] = Fp16.RoundToBFloat16(x[i]);
                break;
            }
            case ActivationFormat.Q8_0:
                BlockQ8_0.QuantizeRow(x, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, BlockQ8_0>(dst));
                break;
            case ActivationFormat.Q8_K:
                BlockQ8_K.QuantizeRow(x, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, BlockQ8_K>(dst));
                break;
            case ActivationFormat.Q8_0Pairs:
                Q8_0Pairs.Convert(x, dst);
                break;
            case ActivationFormat.Q8_1:
                BlockQ8_1.QuantizeRow(x, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, BlockQ8_1>(dst));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }
    }
}
