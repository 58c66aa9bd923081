using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests;
using LlamaPS.Engine.Tests.Golden;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// llama.cpp's golden logits through the GPU backend, with the CPU engine's tolerances (GoldenLogitsTests): the GPU
/// kernels do the same arithmetic (8-bit activations, integer products, f16 KV cache and attention accumulator),
/// so they must land as close. Subclassed per accelerator; ILGPU's CPU accelerator runs it everywhere, slowly, so it
/// takes the small models only.
/// </summary>
public abstract class GoldenLogitsGpuTests(ITestOutputHelper output)
{
    protected abstract string Kind { get; }

    public static readonly Dictionary<string, double> Tolerance = new()
    {
        ["stories260K"] = 3e-3,
        ["synth-llama-f32"] = 3e-3,
        ["synth-qwen2-f32"] = 3e-3,
        ["synth-llama-f16"] = 8e-3,
        ["synth-llama-bf16"] = 3e-2,
        ["synth-llama-q8_0"] = 7e-2,
        ["synth-qwen2-q8_0"] = 7e-2,
        ["synth-llama-q4_0"] = 1.3e-1,
        ["synth-llama-q6_k"] = 1.1e-1,
        ["synth-llama-q4_k_m"] = 1.5e-1,
        ["synth-qwen2-q4_k_m"] = 5e-2,
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in Tolerance.Keys)
            foreach (var p in new[] { "p1", "p2" })
                data.Add(m, p);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TeacherForcedLogitsMatchLlamaCpp(string model, string prompt)
    {
        var accelerator = TestDevice.Get(Kind);
        using var gguf = GgufModel.Open(GgufFile.Open(SharedData.PathOf("models", model + ".gguf")));
        using var backend = new GpuBackend(gguf, accelerator);
        output.WriteLine(GoldenComparison.TeacherForced(backend, model, prompt, Tolerance[model]));
    }
}

public sealed class GoldenLogitsIlgpuCpuTests(ITestOutputHelper output) : GoldenLogitsGpuTests(output)
{
    protected override string Kind => "cpu32";
}

public sealed class GoldenLogitsCudaTests(ITestOutputHelper output) : GoldenLogitsGpuTests(output)
{
    protected override string Kind => "cuda";
}

public sealed class GoldenLogitsOpenClTests(ITestOutputHelper output) : GoldenLogitsGpuTests(output)
{
    protected override string Kind => "opencl";
}
