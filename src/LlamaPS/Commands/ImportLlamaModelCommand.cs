using System.Management.Automation;
using LlamaPS.Engine.Inference;

namespace LlamaPS.Commands;

/// <summary>Loads GGUF models into the session cache and returns them; an already loaded model is returned as is.</summary>
[Cmdlet(VerbsData.Import, "LlamaModel")]
[OutputType(typeof(LlamaModel))]
public sealed class ImportLlamaModelCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>KV cache positions; 0 takes the model's training context, capped at 4096.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int ContextLength { get; set; }

    /// <summary>CPU threads; 0 uses every core.</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Get-LlamaDevice's index, a kind (CPU, CUDA, OpenCL, ILGPU-CPU), a name, or a device object; default: the best usable GPU, else the CPU.</summary>
    [Parameter]
    public object? Device { get; set; }

    /// <summary>Layers to offload, as llama.cpp's -ngl: the last N on the device, the rest on the CPU; 0 keeps the model on the CPU; -1 (default) offloads as many as fit.</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int GpuLayers { get; set; } = ModelLoadOptions.AllLayersThatFit;

    protected override void ProcessRecord()
    {
        var options = DeviceArgument.Apply(this, DeviceArgument.DefaultOptions() with { ContextLength = ContextLength, Threads = Threads }, Device, GpuLayers);
        foreach (string p in Path)
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            if (!File.Exists(full))
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"Model file not found: {full}", full), "ModelFileNotFound", ErrorCategory.ObjectNotFound, p));
                continue;
            }
            try
            {
                var model = ModelCache.GetOrLoad(full, options, out bool loaded);
                WriteVerbose(loaded ? ModelArgument.LoadMessage(model) : $"Reusing {model.Name} from the session cache.");
                WriteObject(model);
            }
            catch (Exception e) when (ErrorRecords.IsExpected(e))
            {
                WriteError(ErrorRecords.From(e, p));
            }
        }
    }
}
