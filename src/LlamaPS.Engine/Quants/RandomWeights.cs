using System.Runtime.InteropServices;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// Fills tensor data with random weights of a given type: random bytes for the quantized values and finite, small
/// scales, so benchmarks and random-weight models get billions of valid weights at memory speed.
/// </summary>
public static class RandomWeights
{
    public static IReadOnlyCollection<GgmlType> SupportedTypes { get; } =
        [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q6_K,
         GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.IQ4_NL,
         GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.IQ4_XS];

    public static void Fill(GgmlType type, Span<byte> data, Random random)
    {
        switch (type)
        {
            case GgmlType.F32:
                foreach (ref float f in MemoryMarshal.Cast<byte, float>(data)) f = Value(random);
                return;
            case GgmlType.F16:
                foreach (ref ushort h in MemoryMarshal.Cast<byte, ushort>(data)) h = Fp16.SingleToHalf(Value(random));
                return;
            case GgmlType.BF16:
                foreach (ref ushort h in MemoryMarshal.Cast<byte, ushort>(data)) h = Fp16.SingleToBFloat16(Value(random));
                return;
        }
        random.NextBytes(data);
        // Offset of the f16 scale inside each block; the rest of a block is any bit pattern.
        int blockBytes = GgmlTypeTraits.TypeSize(type);
        int scaleAt = type switch
        {
            GgmlType.Q8_0 or GgmlType.Q4_0 => 0,
            GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.IQ4_NL => 0,
            GgmlType.Q6_K => BlockQ6_K.Bytes - 2,
            GgmlType.Q2_K => BlockQ2_K.Bytes - 4,
            GgmlType.Q3_K => BlockQ3_K.Bytes - 2,
            GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.IQ4_XS => 0,
            _ => throw new NotSupportedException($"Random weights of type {type} are not supported."),
        };
        if (data.Length % blockBytes != 0) throw new ArgumentException($"{data.Length} bytes is not a whole number of {type} blocks.", nameof(data));
        // Types with minimums carry a second f16 right after the scale (m or dmin); it must be finite too.
        bool hasMin = type is GgmlType.Q2_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q4_1 or GgmlType.Q5_1;
        for (int b = 0; b < data.Length; b += blockBytes)
        {
            MemoryMarshal.Write(data.Slice(b + scaleAt, 2), Fp16.SingleToHalf(0.001f + 0.01f * random.NextSingle()));
            if (hasMin)
            {
                // value = d * q + m for Q4_1/Q5_1 (m negative centres it); d * q - dmin * min for the K-quants.
                float min = type is GgmlType.Q4_1 or GgmlType.Q5_1 ? -0.1f * random.NextSingle() : 0.001f + 0.01f * random.NextSingle();
                MemoryMarshal.Write(data.Slice(b + scaleAt + 2, 2), Fp16.SingleToHalf(min));
            }
        }
    }

    private static float Value(Random random) => (random.NextSingle() * 2 - 1) * 0.1f;
}
