using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests;
using LlamaPS.Engine.Tests.Golden;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// stories260K split as llama.cpp's -ngl 2 splits it: the embedding and blocks 0..2 on the CPU engine, blocks 3 and 4
/// and the output on ILGPU's CPU accelerator, the hidden states handed over between them. The logits must land as
/// close to llama.cpp's as either engine alone, the greedy tokens and the final-normed states must be the CPU
/// engine's. Few steps: the accelerator takes a second or so a token.
/// </summary>
public sealed class HybridOffloadTests(ITestOutputHelper output)
{
    private const string Model = "stories260K";
    private const int Offloaded = 2;

    private static HybridBackend Split(GgufModel gguf)
    {
        int cpuLayers = gguf.Config.BlockCount - Offloaded;
        var cpu = new CpuBackend(gguf, 2, cpuLayers);
        return new HybridBackend(cpu, new GpuBackend(gguf, TestDevice.Get("cpu32"), cpuLayers));
    }

    private static GgufModel Open() => GgufModel.Open(GgufFile.Open(SharedData.PathOf("models", Model + ".gguf")));

    [Fact]
    public void TeacherForcedLogitsMatchLlamaCpp()
    {
        using var gguf = Open();
        using var hybrid = Split(gguf);
        Assert.Equal(gguf.Config.BlockCount - Offloaded, hybrid.CpuLayers);
        output.WriteLine(GoldenComparison.TeacherForced(hybrid, Model, "p1", GoldenLogitsGpuTests.Tolerance[Model], steps: 2));
    }

    [Fact]
    public void GreedyTokensAndHiddenStatesAreTheCpuEngines()
    {
        var golden = GoldenRun.Load(Model, "p1");
        using var gguf = Open();
        using var hybrid = Split(gguf);
        using var cpu = new CpuBackend(gguf, 2);
        int vocab = gguf.Config.VocabSize, dim = gguf.Config.EmbeddingLength, n = 4;
        int[] fromHybrid = GreedyTextGpuTests.Greedy(hybrid, golden.PromptIds, n, vocab);
        Assert.Equal(GreedyTextGpuTests.Greedy(cpu, golden.PromptIds, n, vocab), fromHybrid);
        Assert.Equal(golden.GenIds[..n], fromHybrid);

        var expected = new float[golden.PromptIds.Length * dim];
        var actual = new float[expected.Length];
        using (var ctx = cpu.CreateContext(golden.PromptIds.Length)) ctx.EvaluateHiddenStates(golden.PromptIds, 0, expected);
        using (var ctx = hybrid.CreateContext(golden.PromptIds.Length)) ctx.EvaluateHiddenStates(golden.PromptIds, 0, actual);
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"worst hidden-state difference {worst:E3}");
        Assert.True(worst < 1e-4, $"The split's hidden states differ from the CPU engine's by up to {worst:E3}.");
    }
}
