using System.Management.Automation;
using LlamaPS.Engine.Devices;
using LlamaPS.Engine.Gpu;

namespace LlamaPS.Commands;

/// <summary>
/// Lists the devices models can run on, optionally measuring their throughput: the CPU engine (index 0), then every
/// device ILGPU finds (CUDA, OpenCL, ILGPU's CPU accelerator), each saying whether our kernels run on it and, if not, why.
/// </summary>
[Cmdlet(VerbsCommon.Get, "LlamaDevice")]
[OutputType(typeof(CpuDeviceInfo), typeof(GpuDevice))]
public sealed class GetLlamaDeviceCommand : PSCmdlet, IDisposable
{
    /// <summary>Type name that selects the format view with the benchmark columns.</summary>
    public const string BenchmarkedTypeName = "LlamaPS.Engine.Devices.CpuDeviceInfo#Benchmark";
    public const string BenchmarkedGpuTypeName = "LlamaPS.Engine.Gpu.GpuDevice#Benchmark";

    private readonly CancellationTokenSource _stopping = new();

    [Parameter]
    public SwitchParameter Benchmark { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            WriteCpu();
            var gpus = GpuDevices.All;
            for (int i = 0; i < gpus.Count; i++) WriteGpu(gpus[i], i + 1);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private void WriteCpu()
    {
        CpuDeviceInfo device = CpuDeviceInfo.Detect();
        if (!Benchmark)
        {
            WriteObject(device);
            return;
        }
        // The extra type name lets the format file show the benchmark columns only when they were measured.
        var output = new PSObject(device.WithBenchmark(DeviceBenchmark.Run(device, _stopping.Token)));
        output.TypeNames.Insert(0, BenchmarkedTypeName);
        WriteObject(output);
    }

    private void WriteGpu(GpuDevice device, int index)
    {
        var output = new PSObject(device);
        output.Properties.Add(new PSNoteProperty("Index", index));
        if (Benchmark && device.Usable)
        {
            var decode = new Dictionary<string, double>();
            var prefill = new Dictionary<string, double>();
            foreach (var type in GpuKernelBenchmark.Types)
            {
                WriteVerbose($"Benchmarking {type} kernels on {device}.");
                var (gbps, gflops) = GpuKernelBenchmark.Measure(device, type, _stopping.Token);
                decode[$"{type} matvec"] = gbps;
                prefill[$"{type} matmul"] = gflops;
            }
            output.Properties.Add(new PSNoteProperty("DecodeGBps", decode));
            output.Properties.Add(new PSNoteProperty("PrefillGflops", prefill));
            output.TypeNames.Insert(0, BenchmarkedGpuTypeName);
        }
        WriteObject(output);
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
