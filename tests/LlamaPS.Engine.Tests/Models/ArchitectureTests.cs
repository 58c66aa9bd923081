using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Tests.Gguf;
using LlamaPS.Engine.Tests.Models.Reference;

namespace LlamaPS.Engine.Tests.Models;

/// <summary>
/// Each architecture and RoPE scaling the engine runs, on a small model with random weights written as llama.cpp's
/// converter would (<see cref="ConvertedGguf"/>): our logits, after a prompt evaluated as one batch and then after
/// each further token alone, against <see cref="ReferenceTransformer"/>, the Hugging Face semantics in plain double
/// loops. The models make every feature bite: soft-caps below the scores' spread, windows shorter than the sequence,
/// norm weights away from 1, RoPE scalings whose blends fall inside the rotary pairs used.
/// </summary>
public class ArchitectureTests(ITestOutputHelper output)
{
    private const int PromptLength = 7, Generated = 5;

    /// <summary>
    /// max |ours - reference| / std(reference logits), per step. What remains is the engine's f16 KV cache and f16
    /// attention accumulation (llama.cpp's numerics) against double precision: measured worst 3.4e-3 (qwen3). Leaving
    /// out any one feature of these models moves the reference's logits by 0.25 (gemma2's query scale, GeGLU for
    /// SwiGLU) to 14 (gemma2's final soft-cap) standard deviations, 25 times this tolerance or more.
    /// </summary>
    private const double Tolerance = 1e-2;

    private static readonly ReferenceSpec Llama = new() { Architecture = "llama", RotateHalf = false };
    private static readonly ReferenceSpec Qwen3 = new() { Architecture = "qwen3", HeadDim = 32, QkNorm = true, TiedEmbeddings = true };
    private static readonly ReferenceSpec Phi3 = new() { Architecture = "phi3", RotaryDim = 12 };

    // Gemma: head size apart from dim / heads, Gemma norms, GeGLU, scaled and tied embeddings; from Gemma 2 on,
    // sandwich norms and sliding windows.
    private static readonly ReferenceSpec Gemma = new()
    {
        Architecture = "gemma", HeadDim = 32, RmsEps = 1e-6, NormAddsOne = true, GeluTanh = true, ScaleEmbedding = true,
        TiedEmbeddings = true, QueryPreAttnScalar = 32,
    };

    private static readonly Dictionary<string, (ReferenceSpec Spec, int Context)> Cases = new()
    {
        ["llama"] = (Llama, 32),
        ["qwen2"] = (new() { Architecture = "qwen2", QkvBias = true }, 32),
        ["qwen3"] = (Qwen3, 32),
        // Mistral-style: a window on every layer, because the metadata has one.
        ["llama with sliding window"] = (Llama with { SlidingWindow = 3 }, 32),
        ["llama 3.1 rope scaling"] = (Llama with { RopeScaling = new Llama3RopeScaling(8, 1, 4, 64) }, 32),
        // Rotary pairs 0..5 ramp from extrapolated to interpolated against an original context of 64.
        ["qwen3 yarn"] = (Qwen3 with { MaxPositions = 256, RopeScaling = new YarnRopeScaling(4, 64) }, 32),
        ["gemma"] = (Gemma, 32),
        ["gemma2"] = (Gemma with
        {
            Architecture = "gemma2", Layers = 4, SandwichNorms = true, SlidingWindow = 3, IsSlidingLayer = l => l % 2 == 0,
            AttnLogitSoftcapping = 1.5, FinalLogitSoftcapping = 3,
        }, 32),
        // Layers 0-4 local (base 10000), layer 5 global (base 1e6, linear scaling 8); q/k norms.
        ["gemma3"] = (Gemma with
        {
            Architecture = "gemma3", Layers = 6, SandwichNorms = true, SlidingWindow = 3, IsSlidingLayer = l => l % 6 < 5,
            QkNorm = true, RopeTheta = 1e6, RopeScaling = new LinearRopeScaling(8), LocalRopeTheta = 10000,
        }, 32),
        // Fused attn_qkv and gate-up ffn_up; partial rotary (12 of 16).
        ["phi3"] = (Phi3, 32),
        ["phi3 longrope, short factors"] = (Phi3 with { RopeScaling = LongRope }, 32),
        ["phi3 longrope, long factors"] = (Phi3 with { RopeScaling = LongRope }, 64),
    };

    private static LongRopeScaling LongRope => new([1.0, 1.2, 1.5, 2.0, 3.0, 4.0], [1.0, 2.0, 4.0, 8.0, 16.0, 32.0], OriginalMaxPositions: 32);

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void LogitsMatchTheReferenceForwardPass(string name)
    {
        var (spec, context) = Cases[name];
        var model = ReferenceModel.Random(spec, seed: 17);
        using var dir = new TempDirectory();
        string path = dir.PathOf("model.gguf");
        ConvertedGguf.Write(model, path);

        var random = new Random(5);
        int[] tokens = Enumerable.Range(0, PromptLength + Generated).Select(_ => random.Next(spec.Vocab)).ToArray();
        double[][] expected = new ReferenceTransformer(model).Logits(tokens, context);

        using var llama = LlamaModel.Load(path, new ModelLoadOptions { Threads = 2, ContextLength = context });
        Assert.Equal(spec.Architecture, llama.Architecture);
        var ctx = llama.Rent();
        var logits = new float[spec.Vocab];
        double worst = 0;
        for (int step = 0, pos = 0; step <= Generated; step++)
        {
            int[] input = step == 0 ? tokens[..PromptLength] : [tokens[PromptLength + step - 1]];
            ctx.Evaluate(input, pos, logits);
            pos += input.Length;
            double[] reference = expected[pos - 1];
            double mean = reference.Average(), std = Math.Sqrt(reference.Sum(x => (x - mean) * (x - mean)) / reference.Length);
            double error = logits.Select((x, i) => Math.Abs(x - reference[i])).Max() / std;
            worst = Math.Max(worst, error);
            Assert.True(error <= Tolerance, $"{name}, position {pos - 1}: normalized max logit error {error:E2} exceeds {Tolerance:E0}.");
        }
        llama.Return(ctx);
        output.WriteLine($"{name}: worst normalized error {worst:E2}");
    }
}
