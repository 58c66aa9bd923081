using System.Runtime.CompilerServices;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Rotary position embedding in place over x [tokens, heads * headDim], as ggml computes it: pair i of the first
/// <c>rope.Dimensions</c> dimensions of each head turns by pos * base^(-2i/dims), divided by the pair's frequency
/// factor when there are factors ([dims / 2]: Llama 3.1's rope_freqs, phi3's LongRoPE), then scaled and YaRN-blended
/// as <see cref="RopeConfig"/> says. The unscaled angle is advanced by repeated float multiplication, as ggml does,
/// so positions far along the context see the same rounding as llama.cpp.
/// </summary>
public static unsafe class Rope
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(float* x, int tokens, int heads, int headDim, int startPosition, RopeConfig rope, float* freqFactors)
    {
        int dims = rope.Dimensions, half = dims / 2;
        Span<float> cos = stackalloc float[half];
        Span<float> sin = stackalloc float[half];
        float thetaScale = MathF.Pow(rope.FreqBase, -2f / dims);
        for (int t = 0; t < tokens; t++)
        {
            float theta = startPosition + t;
            for (int i = 0; i < half; i++)
            {
                float original = freqFactors == null ? theta : theta / freqFactors[i];
                float angle = rope.FreqScale * original;
                if (rope.Yarn is { } yarn)
                {
                    float keep = yarn.ExtrapolationWeight(i);
                    angle = angle * (1 - keep) + original * keep;
                }
                cos[i] = MathF.Cos(angle) * rope.MagnitudeScale;
                sin[i] = MathF.Sin(angle) * rope.MagnitudeScale;
                theta *= thetaScale;
            }
            for (int h = 0; h < heads; h++)
            {
                float* v = x + ((long)t * heads + h) * headDim;
                for (int i = 0; i < half; i++)
                {
                    int a = rope.Style == RopeStyle.Normal ? 2 * i : i;
                    int b = rope.Style == RopeStyle.Normal ? 2 * i + 1 : i + half;
                    float x0 = v[a], x1 = v[b];
                    v[a] = x0 * cos[i] - x1 * sin[i];
                    v[b] = x0 * sin[i] + x1 * cos[i];
                }
            }
        }
    }
}
