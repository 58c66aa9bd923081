using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Activations [tokens, cols] to 8 bits, as ggml quantizes them before an integer dot product, read through an
/// <see cref="IActivationSource"/>: as they are, or normed or gated on the way. Units of 32 values
/// come out in the device layout the matrix kernels read: word j of token t's unit u (four signed bytes) at
/// ((t * 8 + j) * U + u), its scale and its integer sum at (t * U + u). <paramref name="blockUnits"/> picks the
/// format: 1 is Q8_0 (scale amax/127 rounded to f16, values x * 127/amax), 8 is Q8_K (one float scale for 256
/// values, -max/127 with max the first value of largest magnitude, values clamped to 127). Both round half to even.
/// A group of 128 threads takes <see cref="GroupUnits"/> units of one token (group index (unit block, token)),
/// each thread one word: four consecutive values, read coalesced.
/// </summary>
public static class QuantizeActivationsKernel
{
    public const int GroupUnits = GroupSum.Size / 8;

    public static void Run<TSource>(TSource source, ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums, int cols, int blockUnits)
        where TSource : struct, IActivationSource
    {
        var partial = SharedMemory.Allocate<float>(GroupSum.Size);
        var extreme = SharedMemory.Allocate<float>(GroupUnits);
        var partialSums = SharedMemory.Allocate<int>(GroupSum.Size);
        int tid = Group.IdxX, local = tid / 8, part = tid % 8, units = cols / 32;
        int unit = Grid.IdxX * GroupUnits + local, t = Grid.IdxY;
        bool valid = unit < units;
        source.Begin(t, cols, partial);
        int at = unit * 32 + part * 4;
        float v0 = valid ? source.Load(t, at, cols) : 0f, v1 = valid ? source.Load(t, at + 1, cols) : 0f;
        float v2 = valid ? source.Load(t, at + 2, cols) : 0f, v3 = valid ? source.Load(t, at + 3, cols) : 0f;

        // The value of largest magnitude, the first one on ties, by thread, then unit, then block: in order at
        // every level, so it is the first in the whole block, as ggml's scan finds it.
        partial[tid] = First(First(First(v0, v1), v2), v3);
        Group.Barrier();
        if (part == 0)
        {
            float best = partial[tid];
            for (int i = 1; i < 8; i++) best = First(best, partial[tid + i]);
            extreme[local] = best;
        }
        Group.Barrier();

        float scale, inverse, clamp;
        if (blockUnits == 1)
        {
            float amax = MathF.Abs(extreme[local]);
            scale = DeviceMath.HalfToFloat(DeviceMath.FloatToHalf(amax / 127f));
            inverse = amax != 0 ? 127f / amax : 0f;
            clamp = 128f;
        }
        else
        {
            int first = local / blockUnits * blockUnits;
            float max = extreme[first];
            for (int k = first + 1; k < first + blockUnits; k++) max = First(max, extreme[k]);
            inverse = max != 0 ? -127f / max : 0f;
            scale = max != 0 ? 1f / inverse : 0f;
            clamp = 127f;
        }
        int q0 = Quantize(v0, inverse, clamp), q1 = Quantize(v1, inverse, clamp), q2 = Quantize(v2, inverse, clamp), q3 = Quantize(v3, inverse, clamp);
        if (valid) words[((long)t * 8 + part) * units + unit] = (uint)(q0 & 0xFF) | (uint)(q1 & 0xFF) << 8 | (uint)(q2 & 0xFF) << 16 | (uint)(q3 & 0xFF) << 24;
        partialSums[tid] = q0 + q1 + q2 + q3;
        Group.Barrier();
        if (part == 0 && valid)
        {
            int sum = 0;
            for (int i = 0; i < 8; i++) sum += partialSums[tid + i];
            scales[(long)t * units + unit] = scale;
            sums[(long)t * units + unit] = sum;
        }
    }

    private static float First(float a, float b) => MathF.Abs(b) > MathF.Abs(a) ? b : a;

    private static int Quantize(float v, float inverse, float clamp) => (int)MathF.Min(clamp, DeviceMath.RoundHalfEven(v * inverse));
}
