using System.Diagnostics;
using ILGPU.Runtime;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// llama-bench's measurements through the GPU backend on synthetic models of real shapes: pp512 (512 random tokens
/// as one batch from an empty context) and tg128 (128 tokens one at a time), each once untimed, then timed
/// repetitions, beside the generation bound (weights' bytes a token at 4.0 TB/s) and the kernels' JIT time.
/// Usage: benchmark DEVICE DIRECTORY [SHAPE:MIX ...], DEVICE cuda or opencl, models written to DIRECTORY if absent.
/// </summary>
internal static class GpuBenchmark
{
    private const double BoundBytesPerSecond = 4.0e12;

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: benchmark cuda|opencl DIRECTORY [SHAPE:MIX ...]");
            return 2;
        }
        var type = args[0] == "cuda" ? AcceleratorType.Cuda : AcceleratorType.OpenCL;
        var device = IlgpuRuntime.Context.Devices.AsEnumerable().FirstOrDefault(d => d.AcceleratorType == type && GpuBackend.Unusable(d) is null);
        if (device is null)
        {
            Console.Error.WriteLine($"no usable {args[0]} device");
            return 1;
        }
        using var accelerator = device.CreateAccelerator(IlgpuRuntime.Context);
        string[] runs = args.Length > 2 ? args[2..] : ["TinyLlama-1.1B:Q4_0", "TinyLlama-1.1B:Q8_0", "Llama-2-7B:Q4_0", "Llama-2-7B:Q4_K_M", "Llama-2-7B:Q8_0"];
        Console.WriteLine($"device: {accelerator.Name} ({accelerator.AcceleratorType}, {accelerator.NumMultiprocessors} multiprocessors, warp {accelerator.WarpSize}, {accelerator.MemorySize / (1 << 30)} GiB)");
        Console.WriteLine("| model | file | JIT | load | pp512 t/s | tg128 t/s | tg128 t/s, no graph | tg bound t/s | tg % of bound |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (string run in runs)
        {
            var parts = run.Split(':');
            var shape = SyntheticModelShape.FromName(parts[0]);
            var mix = WeightMix.Parse(parts[1]);
            var clock = Stopwatch.StartNew();
            string path = SyntheticModel.GetOrCreate(shape, mix, seed: 1, out _, args[1]);
            double written = clock.Elapsed.TotalSeconds;
            using var gguf = GgufModel.Open(GgufFile.Open(path));
            clock.Restart();
            using var backend = new GpuBackend(gguf, accelerator);
            double load = clock.Elapsed.TotalSeconds;
            double pp = Measure(backend, gguf.Config.VocabSize, 512, batch: true, repetitions: 3);
            // Generation launch by launch, then replaying a recorded CUDA graph (the default): the gap is host time.
            backend.UseCudaGraphs = false;
            double launched = Measure(backend, gguf.Config.VocabSize, 128, batch: false, repetitions: 2);
            backend.UseCudaGraphs = true;
            double tg = Measure(backend, gguf.Config.VocabSize, 128, batch: false, repetitions: 2);
            double bound = BoundBytesPerSecond / gguf.File.Length;
            Console.WriteLine($"| {shape.Name}, {mix.Name} | {gguf.File.Length / 1e9:F2} GB | {backend.KernelCompileTime.TotalSeconds:F2} s | {load:F1} s | {pp:F0} | {tg:F1} | {launched:F1} | {bound:F0} | {100 * tg / bound:F0}% |");
            Console.Error.WriteLine($"  ({run}: written in {written:F1} s, upload {backend.UploadTime.TotalSeconds:F1} s, weights {backend.WeightBytes / 1e9:F2} GB on the device)");
        }
        return 0;
    }

    /// <summary>Tokens a second, the best of <paramref name="repetitions"/> timed runs after one untimed.</summary>
    private static double Measure(IInferenceBackend backend, int vocab, int tokens, bool batch, int repetitions)
    {
        int[] ids = ModelBenchmark.RandomTokens(vocab, tokens);
        var logits = new float[vocab];
        using var context = backend.CreateContext(tokens);
        double best = 0;
        for (int r = 0; r <= repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            if (batch) context.Evaluate(ids, 0, logits);
            else for (int i = 0; i < tokens; i++) context.Evaluate(ids.AsSpan(i, 1), i, logits);
            double rate = tokens / Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r > 0) best = Math.Max(best, rate);
        }
        if (context is GpuContext { GraphFailure: string failure }) Console.Error.WriteLine($"  (no CUDA graph: {failure})");
        return best;
    }
}
