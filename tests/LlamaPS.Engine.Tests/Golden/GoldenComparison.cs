using LlamaPS.Engine.Inference;

namespace LlamaPS.Engine.Tests.Golden;

/// <summary>
/// The teacher-forced comparison with llama.cpp that <see cref="GoldenLogitsTests"/> explains, for any backend: feed
/// the golden prompt as one batch, then each golden token, and hold every step's logits to the tolerance.
/// </summary>
public static class GoldenComparison
{
    /// <summary>The CPU engine's tolerance by model; GoldenLogitsTests says how each was measured.</summary>
    public static readonly IReadOnlyDictionary<string, double> Tolerance = new Dictionary<string, double>
    {
        ["stories260K"] = 3e-3,
        ["synth-llama-f32"] = 3e-3,
        ["synth-qwen2-f32"] = 3e-3,
        ["synth-llama-f16"] = 8e-3,
        ["synth-llama-bf16"] = 3e-2,
        ["synth-llama-q8_0"] = 7e-2,
        ["synth-qwen2-q8_0"] = 7e-2,
        ["synth-llama-q4_0"] = 1.3e-1,
        ["synth-llama-q4_1"] = 1.4e-1,
        ["synth-llama-q5_0"] = 1.2e-1,
        ["synth-llama-q5_1"] = 1.5e-1,
        ["synth-llama-iq4_nl"] = 7.5e-2,
        ["synth-llama-q6_k"] = 1.1e-1,
        ["synth-llama-q5_k_m"] = 1.2e-1,
        ["synth-llama-q4_k_m"] = 1.5e-1,
        ["synth-qwen2-q4_k_m"] = 5e-2,
        ["synth-llama-q3_k_m"] = 6.5e-2,
        ["synth-llama-q2_k"] = 1.3e-1,
        ["synth-llama-iq4_xs"] = 9e-2,
    };

    /// <summary>
    /// Both prompts of each of <paramref name="models"/>, as theory data; LLAMAPS_GOLDEN_MODELS (comma-separated)
    /// narrows the models, for the device machine, where only some of the shared models fit beside the test program.
    /// </summary>
    public static TheoryData<string, string> Cases(IEnumerable<string> models)
    {
        var data = new TheoryData<string, string>();
        string[]? only = Environment.GetEnvironmentVariable("LLAMAPS_GOLDEN_MODELS")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var m in models.Where(m => only is null || only.Contains(m)))
            foreach (var p in new[] { "p1", "p2" })
                data.Add(m, p);
        return data;
    }

    /// <summary>
    /// Runs the comparison (asserting as it goes) over the first <paramref name="steps"/> steps (all by default) and
    /// returns a line saying how close it came.
    /// </summary>
    public static string TeacherForced(IInferenceBackend backend, string model, string prompt, double tolerance, int? steps = null)
    {
        var golden = GoldenRun.Load(model, prompt);
        int count = Math.Min(steps ?? golden.GenIds.Length, golden.GenIds.Length);
        using var ctx = backend.CreateContext(golden.PromptIds.Length + golden.GenIds.Length);
        var logits = new float[golden.Vocab];
        double worst = 0;
        int pos = 0, checkedTokens = 0;
        for (int s = 0; s < count; s++)
        {
            int[] input = s == 0 ? golden.PromptIds : [golden.GenIds[s - 1]];
            ctx.Evaluate(input, pos, logits);
            pos += input.Length;

            float[] expected = golden.Logits[s];
            double std = StdDev(expected), maxDiff = 0;
            for (int i = 0; i < logits.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(logits[i] - expected[i]));
            worst = Math.Max(worst, maxDiff / std);
            Assert.True(maxDiff / std <= tolerance,
                $"{model} {prompt} step {s}: normalized max logit error {maxDiff / std:E3} exceeds {tolerance:E1}.");
            if (golden.Gaps[s] > 2 * tolerance * std)
            {
                checkedTokens++;
                Assert.Equal(golden.GenIds[s], ArgMax(logits));
            }
        }
        Assert.True(checkedTokens >= count / 4, "Too few steps had a gap the tolerance cannot flip: the test would check nothing.");
        return $"{model} {prompt}: worst normalized error {worst:E3} (tolerance {tolerance:E1}), greedy tokens checked {checkedTokens}/{count}";
    }

    internal static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private static double StdDev(float[] x)
    {
        double mean = x.Average(v => (double)v);
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
    }
}
