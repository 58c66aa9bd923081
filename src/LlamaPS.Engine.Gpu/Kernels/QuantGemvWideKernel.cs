using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Decode's matrix-vector product y[r] (+)= W[r, :] · x, as <see cref="QuantGemvKernel"/>, for matrices whose units
/// a row are a multiple of 4 (every real model's): each thread reads four consecutive units at once, one 16-byte
/// load per stored word and scale of the weights and per word of the 8-bit activations, all issued before any is
/// used, so a group keeps far more bytes in flight than one unit a thread does. A group of
/// <see cref="GroupSum.Size"/> threads takes <see cref="RowsPerGroup"/> rows, 32 threads two rows striding over
/// their quads of units (each activation quad read once for both); their sums meet in shared memory.
/// </summary>
public static class QuantGemvWideKernel
{
    public const int RowsPerGroup = 2 * GroupSum.Size / 32;

    public static void Run<TFormat>(ArrayView<Vector4Words> quants, ArrayView<Vector4Words> weightScales,
        ArrayView<Vector4Words> words, ArrayView<Vector4Words> scales, ArrayView<Vector4Words> sums,
        ArrayView<float> y, int rows, int units, int accumulate)
        where TFormat : struct, IQuantFormat =>
        Product<TFormat, PortableInt8Dot>(quants, weightScales, words, scales, sums, y, rows, units, accumulate);

    /// <summary>The kernel's body, over the byte dot product <typeparamref name="TDot"/> (see Cuda.QuantGemvDp4aKernel).</summary>
    public static void Product<TFormat, TDot>(ArrayView<Vector4Words> quants, ArrayView<Vector4Words> weightScales,
        ArrayView<Vector4Words> words, ArrayView<Vector4Words> scales, ArrayView<Vector4Words> sums,
        ArrayView<float> y, int rows, int units, int accumulate)
        where TFormat : struct, IQuantFormat
        where TDot : struct, IInt8Dot
    {
        var partial = SharedMemory.Allocate<float>(RowsPerGroup * GroupSum.Size);
        var format = default(TFormat);
        int tid = Group.IdxX, slot = tid / 32, lane = tid % 32, quads = units / 4;
        int r0 = Grid.IdxX * RowsPerGroup, row = r0 + 2 * slot;
        // A row past the end repeats the last row (a valid read); its sum is dropped.
        int row1 = Math.Min(row + 1, rows - 1);
        float sum0 = 0, sum1 = 0;
        if (row < rows)
        {
            for (int quad = lane; quad < quads; quad += 32)
            {
                QuantLayout.LoadQuad<TFormat>(quants, weightScales, row, quad, units, out var w0, out var w1, out var w2, out var w3);
                QuantLayout.LoadQuad<TFormat>(quants, weightScales, row1, quad, units, out var v0, out var v1, out var v2, out var v3);
                var a0 = words[quad];
                var a1 = words[quad + quads];
                var a2 = words[quad + 2 * quads];
                var a3 = words[quad + 3 * quads];
                var a4 = words[quad + 4 * quads];
                var a5 = words[quad + 5 * quads];
                var a6 = words[quad + 6 * quads];
                var a7 = words[quad + 7 * quads];
                var da = scales[quad];
                var sa = sums[quad];
                float dx = Interop.IntAsFloat(da.X), dy = Interop.IntAsFloat(da.Y), dz = Interop.IntAsFloat(da.Z), dw = Interop.IntAsFloat(da.W);
                sum0 += QuantDot.Unit<TDot>(format.Unpack(w0), a0.X, a1.X, a2.X, a3.X, a4.X, a5.X, a6.X, a7.X, dx, (int)sa.X);
                sum1 += QuantDot.Unit<TDot>(format.Unpack(v0), a0.X, a1.X, a2.X, a3.X, a4.X, a5.X, a6.X, a7.X, dx, (int)sa.X);
                sum0 += QuantDot.Unit<TDot>(format.Unpack(w1), a0.Y, a1.Y, a2.Y, a3.Y, a4.Y, a5.Y, a6.Y, a7.Y, dy, (int)sa.Y);
                sum1 += QuantDot.Unit<TDot>(format.Unpack(v1), a0.Y, a1.Y, a2.Y, a3.Y, a4.Y, a5.Y, a6.Y, a7.Y, dy, (int)sa.Y);
                sum0 += QuantDot.Unit<TDot>(format.Unpack(w2), a0.Z, a1.Z, a2.Z, a3.Z, a4.Z, a5.Z, a6.Z, a7.Z, dz, (int)sa.Z);
                sum1 += QuantDot.Unit<TDot>(format.Unpack(v2), a0.Z, a1.Z, a2.Z, a3.Z, a4.Z, a5.Z, a6.Z, a7.Z, dz, (int)sa.Z);
                sum0 += QuantDot.Unit<TDot>(format.Unpack(w3), a0.W, a1.W, a2.W, a3.W, a4.W, a5.W, a6.W, a7.W, dw, (int)sa.W);
                sum1 += QuantDot.Unit<TDot>(format.Unpack(v3), a0.W, a1.W, a2.W, a3.W, a4.W, a5.W, a6.W, a7.W, dw, (int)sa.W);
            }
        }
        // Set k holds tile row k's sums: this thread's two in their own sets, zeros in the others.
        for (int k = 0; k < RowsPerGroup; k++) partial[k * GroupSum.Size + tid] = k == 2 * slot ? sum0 : k == 2 * slot + 1 ? sum1 : 0f;
        GroupSum.Sum(partial, RowsPerGroup);
        if (tid < RowsPerGroup && r0 + tid < rows)
        {
            float v = partial[tid * GroupSum.Size];
            y[r0 + tid] = accumulate != 0 ? y[r0 + tid] + v : v;
        }
    }
}
