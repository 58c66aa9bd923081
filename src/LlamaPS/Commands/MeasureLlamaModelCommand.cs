using System.Management.Automation;
using LlamaPS.Engine.Devices;
using LlamaPS.Engine.Inference;

namespace LlamaPS.Commands;

/// <summary>
/// llama-bench for LlamaPS: prompt processing (ppN) and token generation (tgN) speed of a model, one object per test.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "LlamaModel")]
[OutputType(typeof(ModelBenchmarkResult))]
public sealed class MeasureLlamaModelCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>A model from Import-LlamaModel or a path to a GGUF file; default $env:LLAMAPS_MODEL.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public object? Model { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int PromptTokens { get; set; } = 512;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int GenerateTokens { get; set; } = 128;

    /// <summary>Timed runs per test after one warm-up run; llama-bench's default is 5.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Repetitions { get; set; } = 3;

    /// <summary>CPU threads; 0 uses every core. Given, the model is loaded through the cache with this count.</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Get-LlamaDevice's index, a kind (CPU, CUDA, OpenCL, ILGPU-CPU), a name, or a device object; default: the model's own.</summary>
    [Parameter]
    public object? Device { get; set; }

    /// <summary>Layers to offload, as llama.cpp's -ngl (see Import-LlamaModel).</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int GpuLayers { get; set; } = ModelLoadOptions.AllLayersThatFit;

    protected override void ProcessRecord()
    {
        bool threads = MyInvocation.BoundParameters.ContainsKey(nameof(Threads));
        LlamaModel model = threads || DeviceArgument.Given(this)
            ? ModelArgument.Resolve(this, Model, options => DeviceArgument.Apply(this, threads ? options with { Threads = Threads } : options, Device, GpuLayers))
            : ModelArgument.Resolve(this, Model);
        var tests = new (int Tokens, Func<int, ModelBenchmarkResult> Run)[]
        {
            (PromptTokens, n => ModelBenchmark.PromptProcessing(model, n, Repetitions, _stopping.Token)),
            (GenerateTokens, n => ModelBenchmark.TokenGeneration(model, n, Repetitions, _stopping.Token)),
        };
        foreach (var (tokens, run) in tests.Where(t => t.Tokens > 0))
        {
            ModelBenchmarkResult result;
            try
            {
                result = run(tokens);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (ErrorRecords.IsExpected(e))
            {
                ThrowTerminatingError(ErrorRecords.From(e, model));
                return;
            }
            WriteVerbose($"{result.Test}: {result.TokensPerSecond:F2} ± {result.StdDev:F2} tokens/s over {Repetitions} runs.");
            WriteObject(result);
        }
    }


    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
