using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Tests.Golden;

/// <summary>
/// Teacher-forced comparison with llama.cpp: feed the golden prompt as one batch, then each golden token, and compare
/// our logits with llama.cpp's at every step. The error measure is max|ours - golden| / std(golden logits).
///
/// Tolerances, per weight type (measured worst case on both prompts, times about 2.5 for headroom):
///  - F32 3e-3: same math; what remains is f16 rounding in the KV cache and attention accumulation (measured 9e-4).
///  - F16 8e-3 (measured 2.6e-3), BF16 3e-2 (1.1e-2): activations rounded to the weight type, as llama.cpp does.
///  - Q8_0 7e-2 (2.7e-2), Q4_0 (with a Q6_K output) 1.3e-1 (5.1e-2): activations quantized to 8 bits per block as
///    llama.cpp does; results are bit-identical on short prompts, and drift on long ones where a rounding of one
///    activation lands on the other side of .5.
///  - Q4_1 1.4e-1 (5.6e-2), Q5_0 1.2e-1 (4.7e-2), Q5_1 1.5e-1 (6.0e-2), IQ4_NL 7.5e-2 (5.6e-2), all with a Q6_K
///    output, measured worst over the AVX2, Vector128 and Scalar paths: the same 8-bit activations (Q8_1 for Q4_1
///    and Q5_1, with llama.cpp's s = d * sum(q)) and the same drift, first steps agreeing to 1e-6. IQ4_NL's golden
///    runs have small top-1/top-2 gaps: above 7.56e-2 fewer than a quarter of p2's greedy tokens would be checked,
///    so its headroom is 1.3x, not 2.5x.
///  - K-quants and IQ4_XS (Q8_K activations): the AVX2 kernels keep ggml's int32 lanes and f32 order, so most steps
///    are bit-identical (normalized error ~6e-7); the worst cases are the same .5 rounding flips as above, which then
///    persist through the KV cache. Q6_K 1.1e-1 (measured 4.4e-2), Q4_K_M 1.5e-1 (6.0e-2), Q3_K_M 6.5e-2 (2.6e-2),
///    Q2_K 1.3e-1 (5.1e-2). Three are capped below 2.5x by the greedy-token rule (p1 must still check a quarter of
///    its tokens): Q5_K_M 1.2e-1 (6.0e-2), IQ4_XS 9e-2 (4.5e-2), and Qwen2 Q4_K_M 5e-2 (4.9e-2 on p2, where the
///    prompt step already drifts as it does for Qwen2 Q8_0; p1 allows no more than 5.06e-2): little headroom there.
/// A greedy token may flip only where the golden top-1/top-2 gap is below twice the tolerated absolute error, so
/// everywhere else our argmax must be llama.cpp's token.
/// </summary>
public class GoldenLogitsTests(ITestOutputHelper output)
{
    /// <summary>The tolerances above, by model (kept in <see cref="GoldenComparison"/>, which the GPU tests share).</summary>
    public static IReadOnlyDictionary<string, double> Tolerance => GoldenComparison.Tolerance;

    public static TheoryData<string, string> Cases() => GoldenComparison.Cases(Tolerance.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void TeacherForcedLogitsMatchLlamaCpp(string model, string prompt)
    {
        using var gguf = GgufModel.Open(GgufFile.Open(SharedData.PathOf("models", model + ".gguf")));
        using var backend = new CpuBackend(gguf, 2);
        output.WriteLine(GoldenComparison.TeacherForced(backend, model, prompt, Tolerance[model]));
    }
}
