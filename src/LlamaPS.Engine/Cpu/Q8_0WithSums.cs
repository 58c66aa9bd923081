using System.Runtime.InteropServices;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Layout of a <see cref="ActivationFormat.Q8_0WithSums"/> row of nb blocks: BlockQ8_0[nb], then float d[nb], then
/// float ds[nb] = d * sum(q). The blocks come first, so every Q8_0 kernel reads such a row unchanged.
/// </summary>
public static unsafe class Q8_0WithSums
{
    public static float* Scales(byte* row, int blocks) => (float*)(row + (long)blocks * BlockQ8_0.Bytes);

    public static float* ScaledSums(byte* row, int blocks) => Scales(row, blocks) + blocks;

    public static void Convert(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int nb = x.Length / BlockQ8_0.Elements;
        var blocks = MemoryMarshal.Cast<byte, BlockQ8_0>(dst[..(nb * BlockQ8_0.Bytes)]);
        BlockQ8_0.QuantizeRow(x, blocks);
        var d = MemoryMarshal.Cast<byte, float>(dst.Slice(nb * BlockQ8_0.Bytes, nb * sizeof(float)));
        var ds = MemoryMarshal.Cast<byte, float>(dst.Slice(nb * (BlockQ8_0.Bytes + sizeof(float)), nb * sizeof(float)));
        for (int b = 0; b < nb; b++)
        {
            int sum = 0;
            for (int i = 0; i < BlockQ8_0.Elements; i++) sum += blocks[b].Qs[i];
            d[b] = Fp16.HalfToSingle(blocks[b].D);
            ds[b] = d[b] * sum;
        }
    }
}
