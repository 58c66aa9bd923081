using System.Diagnostics;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// Throughput of a device's tinyBLAS kernels on random weights W [rows, cols]: the matrix-vector product that
/// decoding runs, as GB/s of weights read (what bounds it), and the tiled product over a prompt's batch, as GFLOP/s.
/// On a GPU W is [16384, 4096], several times any L2 cache, and the batch 512 tokens; ILGPU's CPU accelerator gets
/// a small matrix, since it only shows that the code path runs.
/// </summary>
public static unsafe class GpuKernelBenchmark
{
    public static IReadOnlyList<GgmlType> Types => [GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.F16, GgmlType.F32];

    /// <summary>(GB/s of weights in the one-token product, GFLOP/s of the batched product) of one weight type.</summary>
    public static (double DecodeGBps, double PrefillGflops) Measure(GpuDevice device, GgmlType type, CancellationToken cancellation)
    {
        bool cpu = device.Device is CPUDevice;
        int rows = cpu ? 256 : 16384, cols = cpu ? 512 : 4096, batch = cpu ? 16 : 512;
        Accelerator acc = device.Accelerator;
        acc.Bind();
        var kernels = WeightKernels.Create(type) ?? throw new ArgumentException($"The GPU backend has no kernels for {type}.", nameof(type));
        var ops = new OperatorKernels();
        ops.Compile(acc);
        kernels.Compile(acc);

        long bytes = GgmlTypeTraits.RowBytes(type, cols) * rows;
        byte[] host = new byte[bytes];
        RandomWeights.Fill(type, host, new Random(1));
        DeviceMatrix w;
        fixed (byte* p = host) w = kernels.Upload(acc, "benchmark", [((nint)p, rows)], cols);
        var random = new Random(2);
        float[] xs = new float[(long)batch * cols];
        for (int i = 0; i < xs.Length; i++) xs[i] = random.NextSingle() * 2 - 1;
        using var x = acc.Allocate1D(xs);
        using var y = acc.Allocate1D<float>((long)batch * rows);
        using var quantized = new QuantizedActivations(acc, batch, cols);
        try
        {
            // Seconds a product takes: one untimed run (JIT, caches), one timed, then as many more as fill about
            // a quarter of a second, so a slow device (PoCL on the host's cores) does not take minutes.
            double Seconds(int tokens, bool vector)
            {
                cancellation.ThrowIfCancellationRequested();
                if (kernels.ActivationBlockUnits != 0) ops.Quantize(acc.DefaultStream, x.View, cols, tokens, kernels.ActivationBlockUnits, quantized);
                double Run(int repeats)
                {
                    var clock = Stopwatch.StartNew();
                    for (int r = 0; r < repeats; r++) kernels.Multiply(acc.DefaultStream, w, x.View, quantized, y.View, tokens, false, vector);
                    acc.Synchronize();
                    return clock.Elapsed.TotalSeconds / repeats;
                }
                Run(1);
                double once = Run(1);
                return Run((int)Math.Clamp(0.25 / once, 1, 500));
            }
            double gemv = Seconds(1, vector: !cpu);
            double gemm = Seconds(batch, vector: false);
            return (w.ByteSize / gemv / 1e9, 2.0 * rows * cols * batch / gemm / 1e9);
        }
        finally
        {
            w.Dispose();
        }
    }
}
