using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Decode's matrix-vector product y[r] (+)= W[r, :] · x for quantized W [rows, 32 * units] and x quantized to 8 bits
/// (<see cref="QuantizeActivationsKernel"/>): a group of <see cref="GroupSum.Size"/> threads takes
/// <see cref="RowsPerGroup"/> rows (8 for formats of at most 4 words a unit; 4 for wider ones, whose 8 rows of
/// loads in flight would not fit in registers), each thread a strided set of units, so a warp reads consecutive words of the
/// interleaved layout; each activation unit is loaded once for all the group's rows. Integer dot products per
/// unit, f32 across units, a shared-memory sum at the end. accumulate != 0 adds to y (residual connections).
/// </summary>
public static class QuantGemvKernel
{
    /// <summary>Rows a group takes for a format of <paramref name="storedWords"/> words a unit.</summary>
    public static int RowsPerGroup(int storedWords) => storedWords <= 4 ? 8 : 4;

    public static void Run<TFormat>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        ArrayView<float> y, int rows, int units, int accumulate)
        where TFormat : struct, IQuantFormat
    {
        var partial = SharedMemory.Allocate<float>(8 * GroupSum.Size);
        var format = default(TFormat);
        int perGroup = RowsPerGroup(format.StoredWords); // a constant once ILGPU specialises the format
        int tid = Group.IdxX, r0 = Grid.IdxX * perGroup;
        int last = Math.Min(rows, r0 + perGroup) - 1;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int u = tid; u < units; u += GroupSum.Size)
        {
            uint a0 = words[u], a1 = words[u + units], a2 = words[u + 2 * units], a3 = words[u + 3 * units];
            uint a4 = words[u + 4 * units], a5 = words[u + 5 * units], a6 = words[u + 6 * units], a7 = words[u + 7 * units];
            float da = scales[u];
            int sa = sums[u];
            // Rows past the end repeat the last row (a valid read); their sums are dropped.
            s0 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, r0, u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
            s1 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, Math.Min(r0 + 1, last), u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
            s2 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, Math.Min(r0 + 2, last), u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
            s3 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, Math.Min(r0 + 3, last), u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
            if (perGroup == 4) continue;
            s4 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, Math.Min(r0 + 4, last), u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
            s5 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, Math.Min(r0 + 5, last), u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
            s6 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, Math.Min(r0 + 6, last), u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
            s7 += QuantDot.Unit<PortableInt8Dot>(QuantLayout.Decode<TFormat>(quants, weightScales, Math.Min(r0 + 7, last), u, units), a0, a1, a2, a3, a4, a5, a6, a7, da, sa);
        }
        partial[tid] = s0;
        partial[GroupSum.Size + tid] = s1;
        partial[2 * GroupSum.Size + tid] = s2;
        partial[3 * GroupSum.Size + tid] = s3;
        partial[4 * GroupSum.Size + tid] = s4;
        partial[5 * GroupSum.Size + tid] = s5;
        partial[6 * GroupSum.Size + tid] = s6;
        partial[7 * GroupSum.Size + tid] = s7;
        GroupSum.Sum(partial, perGroup);
        if (tid < perGroup && r0 + tid < rows)
        {
            float v = partial[tid * GroupSum.Size];
            y[r0 + tid] = accumulate != 0 ? y[r0 + tid] + v : v;
        }
    }
}
