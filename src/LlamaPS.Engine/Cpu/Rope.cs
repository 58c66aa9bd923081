using System.Runtime.CompilerServices;
namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Rotary position embedding in place over x [tokens, heads * headDim]: the first <c>ropeDims</c> dimensions of each
/// head turn by angle pos * base^(-2i/ropeDims). The angle is advanced by repeated float multiplication, as ggml does,
/// so positions far along the context see the same rounding as llama.cpp.
/// </summary>
public static unsafe class Rope
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(float* x, int tokens, int heads, int headDim, int startPosition, int ropeDims, float freqBase, RopeStyle style)
    {
        int half = ropeDims / 2;
        Span<float> cos = stackalloc float[half];
        Span<float> sin = stackalloc float[half];
        float thetaScale = MathF.Pow(freqBase, -2f / ropeDims);
        for (int t = 0; t < tokens; t++)
        {
            float theta = startPosition + t;
            for (int i = 0; i < half; i++)
            {
                cos[i] = MathF.Cos(theta);
                sin[i] = MathF.Sin(theta);
                theta *= thetaScale;
            }
            for (int h = 0; h < heads; h++)
            {
                float* v = x + ((long)t * heads + h) * headDim;
                for (int i = 0; i < half; i++)
                {
                    int a = style == RopeStyle.Normal ? 2 * i : i;
                    int b = style == RopeStyle.Normal ? 2 * i + 1 : i + half;
                    float x0 = v[a], x1 = v[b];
                    v[a] = x0 * cos[i] - x1 * sin[i];
                    v[b] = x0 * sin[i] + x1 * cos[i];
                }
            }
        }
    }
}
