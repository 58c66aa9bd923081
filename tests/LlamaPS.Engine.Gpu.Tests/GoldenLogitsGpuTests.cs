using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests;
using LlamaPS.Engine.Tests.Golden;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// llama.cpp's golden logits through the GPU backend, with the CPU engine's tolerances (GoldenLogitsTests): the GPU
/// kernels do the same arithmetic (8-bit activations, integer products, f16 KV cache and attention accumulator),
/// so they must land as close. Subclassed per accelerator. ILGPU's CPU accelerator runs it everywhere, at seconds a
/// token, so there it takes one prompt of each weight type and compares the prompt's step and the first generated one
/// (every kernel, the batch path and the one-token path); CUDA and OpenCL compare every model, prompt and step.
/// </summary>
public abstract class GoldenLogitsGpuTests(ITestOutputHelper output)
{
    protected abstract string Kind { get; }

    /// <summary>How many golden steps to compare; null for all.</summary>
    protected virtual int? Steps => null;

    // Declared before Tolerance, which reads it while the class initialises.
    private static readonly string[] SupportedTypeNames = ["f32", "f16", "bf16", "q8_0", "q4_0", "q6_k", "q4_k_m"];

    /// <summary>The models of the types the GPU backend runs, with the CPU engine's tolerances.</summary>
    public static IReadOnlyDictionary<string, double> Tolerance { get; } = GoldenComparison.Tolerance
        .Where(m => !m.Key.StartsWith("synth-") || SupportedTypeNames.Any(t => m.Key.EndsWith("-" + t)))
        .ToDictionary(m => m.Key, m => m.Value);

    /// <summary>Every model and prompt, for the real devices (LLAMAPS_GOLDEN_MODELS narrows the models).</summary>
    public static TheoryData<string, string> AllCases() => GoldenComparison.Cases(Tolerance.Keys);

    /// <summary>One prompt of each weight type, qwen2 once, for ILGPU's CPU accelerator.</summary>
    public static TheoryData<string, string> QuickCases() => new(
        ("stories260K", "p1"), ("synth-llama-f32", "p1"), ("synth-llama-f16", "p1"), ("synth-llama-bf16", "p1"),
        ("synth-llama-q8_0", "p1"), ("synth-llama-q4_0", "p1"), ("synth-llama-q4_k_m", "p1"), ("synth-qwen2-q8_0", "p1"));

    /// <summary>
    /// Where the GPU needs more than the CPU engine's tolerance, and why. synth-qwen2-q4_k_m p2: the CPU engine
    /// holds 5e-2 with 2% headroom (measured 4.9e-2, capped by p1's greedy-token rule); the GPU's f32 sums, added
    /// in another order, drift to 5.0e-2 to 5.1e-2 on CUDA and OpenCL by step 9 to 16, so p2 gets 5.5e-2 here
    /// (p1 keeps 5e-2 and its greedy tokens).
    /// </summary>
    private static readonly Dictionary<(string, string), double> Exceptions = new()
    {
        [("synth-qwen2-q4_k_m", "p2")] = 5.5e-2,
    };

    protected void Compare(string model, string prompt)
    {
        var accelerator = TestDevice.Get(Kind);
        using var gguf = GgufModel.Open(GgufFile.Open(SharedData.PathOf("models", model + ".gguf")));
        using var backend = new GpuBackend(gguf, accelerator);
        output.WriteLine(GoldenComparison.TeacherForced(backend, model, prompt, Exceptions.GetValueOrDefault((model, prompt), Tolerance[model]), Steps));
    }
}

public sealed class GoldenLogitsIlgpuCpuTests(ITestOutputHelper output) : GoldenLogitsGpuTests(output)
{
    protected override string Kind => "cpu32";
    protected override int? Steps => 2;

    [Theory]
    [MemberData(nameof(QuickCases))]
    public void TeacherForcedLogitsMatchLlamaCpp(string model, string prompt) => Compare(model, prompt);
}

public sealed class GoldenLogitsCudaTests(ITestOutputHelper output) : GoldenLogitsGpuTests(output)
{
    protected override string Kind => "cuda";

    [Theory]
    [MemberData(nameof(AllCases))]
    public void TeacherForcedLogitsMatchLlamaCpp(string model, string prompt) => Compare(model, prompt);
}

public sealed class GoldenLogitsOpenClTests(ITestOutputHelper output) : GoldenLogitsGpuTests(output)
{
    protected override string Kind => "opencl";

    [Theory]
    [MemberData(nameof(AllCases))]
    public void TeacherForcedLogitsMatchLlamaCpp(string model, string prompt) => Compare(model, prompt);
}
