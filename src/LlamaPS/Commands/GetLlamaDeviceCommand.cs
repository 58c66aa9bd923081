using System.Management.Automation;
using LlamaPS.Engine.Devices;

namespace LlamaPS.Commands;

/// <summary>Lists the devices the engine can compute on, optionally measuring their throughput.</summary>
[Cmdlet(VerbsCommon.Get, "LlamaDevice")]
[OutputType(typeof(CpuDeviceInfo))]
public sealed class GetLlamaDeviceCommand : PSCmdlet, IDisposable
{
    /// <summary>Type name that selects the format view with the benchmark columns.</summary>
    public const string BenchmarkedTypeName = "LlamaPS.Engine.Devices.CpuDeviceInfo#Benchmark";

    private readonly CancellationTokenSource _stopping = new();

    [Parameter]
    public SwitchParameter Benchmark { get; set; }

    protected override void ProcessRecord()
    {
        CpuDeviceInfo device = CpuDeviceInfo.Detect();
        if (!Benchmark)
        {
            WriteObject(device);
            return;
        }

        DeviceBenchmarkResult result;
        try
        {
            result = DeviceBenchmark.Run(device, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        // The extra type name lets the format file show the benchmark columns only when they were measured.
        var output = new PSObject(device.WithBenchmark(result));
        output.TypeNames.Insert(0, BenchmarkedTypeName);
        WriteObject(output);
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
