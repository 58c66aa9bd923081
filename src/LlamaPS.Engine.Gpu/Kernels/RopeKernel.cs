using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Rotary position embedding in place over q [tokens, heads * headDim] and k [tokens, kvHeads * headDim], one thread
/// a (token, head of q then of k, pair) (index = (t * (heads + kvHeads) + head) * ropeDims/2 + i), turning pair i by
/// (start + t) * thetaScale^i, start read from position[0]. The angle
/// is advanced by repeated float multiplication, as ggml does, and reduced to [-pi, pi] before cos and sin (CUDA's
/// fast versions lose accuracy on large angles, and positions make them large). neox != 0 pairs x[i] with x[i + ropeDims/2] (GPT-NeoX,
/// qwen2); otherwise x[2i] with x[2i + 1] (llama).
/// </summary>
public static class RopeKernel
{
    public static void Run(Index1D index, ArrayView<float> q, ArrayView<float> k, int heads, int kvHeads, int headDim,
        ArrayView<int> position, int ropeDims, float thetaScale, int neox)
    {
        int start = position[0];
        int half = ropeDims / 2, i = index % half, head = index / half % (heads + kvHeads), t = index / half / (heads + kvHeads);
        float theta = start + t;
        for (int s = 0; s < i; s++) theta *= thetaScale;
        float reduced = DeviceMath.ReduceAngle(theta);
        float cos = MathF.Cos(reduced), sin = MathF.Sin(reduced);
        int a = neox != 0 ? i : 2 * i, b = neox != 0 ? i + half : 2 * i + 1;
        if (head < heads) Rotate(q, ((long)t * heads + head) * headDim, a, b, cos, sin);
        else Rotate(k, ((long)t * kvHeads + head - heads) * headDim, a, b, cos, sin);
    }

    private static void Rotate(ArrayView<float> x, long head, int a, int b, float cos, float sin)
    {
        float x0 = x[head + a], x1 = x[head + b];
        x[head + a] = x0 * cos - x1 * sin;
        x[head + b] = x0 * sin + x1 * cos;
    }
}
