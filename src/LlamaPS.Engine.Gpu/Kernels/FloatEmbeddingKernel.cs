using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>Gathers rows of a float matrix [rows, cols] to f32: x[t, :] = W[ids[t], :], one thread a word (index = t * words + word).</summary>
public static class FloatEmbeddingKernel
{
    public static void Run<TFormat>(Index1D index, ArrayView<uint> weights, ArrayView<int> ids, ArrayView<float> x, int cols)
        where TFormat : struct, IFloatFormat
    {
        var format = default(TFormat);
        int perWord = format.ElementsPerWord, rowWords = cols / perWord;
        int t = index / rowWords, word = index % rowWords;
        uint v = weights[(long)ids[t] * rowWords + word];
        long o = (long)t * cols + word * perWord;
        x[o] = format.First(v);
        if (perWord == 2) x[o + 1] = format.Second(v);
    }
}
