using System.Management.Automation;
using LlamaPS.Engine.Models;

namespace LlamaPS.Commands;

/// <summary>
/// Writes a llama model of a real model's shape with random weights: a file to benchmark with Measure-LlamaModel (or
/// llama.cpp) without downloading the real model. Its output is noise.
/// </summary>
[Cmdlet(VerbsCommon.New, "LlamaSyntheticModel")]
[OutputType(typeof(FileInfo))]
public sealed class NewLlamaSyntheticModelCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A preset: Tiny, TinyLlama-1.1B or Llama-2-7B.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Shape { get; set; } = SyntheticModelShape.TinyLlama.Name;

    /// <summary>One type for every matrix (Q4_0, Q8_0, F16, ...) or a llama.cpp mix (Q4_K_M).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Type { get; set; } = "Q4_0";

    [Parameter]
    public int Seed { get; set; }

    /// <summary>Replaces an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        SyntheticModelShape shape;
        WeightMix mix;
        try
        {
            shape = SyntheticModelShape.FromName(Shape);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "UnknownModelShape", ErrorCategory.InvalidArgument, Shape));
            return;
        }
        try
        {
            mix = WeightMix.Parse(Type);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "UnsupportedWeightType", ErrorCategory.InvalidArgument, Type));
            return;
        }
        if (File.Exists(full) && !Force)
            ThrowTerminatingError(new ErrorRecord(new IOException($"{full} exists; use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, full));

        try
        {
            SyntheticModel.Write(full, shape, mix, Seed, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ModelFileWriteError", ErrorCategory.WriteError, full));
        }
        WriteObject(new FileInfo(full));
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
