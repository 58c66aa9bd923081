using System.Management.Automation;
using LlamaPS.Engine.Inference;

namespace LlamaPS;

/// <summary>
/// Resolves a cmdlet's -Model value: a loaded model object, or a path (relative to the current location, any
/// PowerShell provider path) that is loaded through the session cache; when omitted, $env:LLAMAPS_MODEL.
/// </summary>
internal static class ModelArgument
{
    public const string EnvironmentVariable = "LLAMAPS_MODEL";

    /// <summary>The full file-system path of a -Model given as a path, or null when it is a model object.</summary>
    public static string? PathOf(PSCmdlet cmdlet, object? model)
    {
        object? value = model is PSObject pso ? pso.BaseObject : model;
        if (value is LlamaModel) return null;
        string? path = value?.ToString();
        if (string.IsNullOrWhiteSpace(path)) path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(path))
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"No model given: pass -Model (a path or a model from Import-LlamaModel) or set $env:{EnvironmentVariable}."),
                "NoModelSpecified", ErrorCategory.InvalidArgument, null));
        return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }

    /// <summary>
    /// The model to run. A path reuses a model already loaded from that file, whatever options Import-LlamaModel
    /// gave it (so -Model path runs the imported model, not a second copy with default options); otherwise it
    /// loads the file with default options and reports the load under -Verbose.
    /// </summary>
    public static LlamaModel Resolve(PSCmdlet cmdlet, object? model)
    {
        object? value = model is PSObject pso ? pso.BaseObject : model;
        if (value is LlamaModel m)
        {
            if (m.IsDisposed)
                cmdlet.ThrowTerminatingError(new ErrorRecord(new ObjectDisposedException(m.Name, "The model was removed with Remove-LlamaModel; import it again."),
                    "ModelRemoved", ErrorCategory.InvalidOperation, m));
            return m;
        }
        string path = PathOf(cmdlet, model)!;
        if (ModelCache.FindLoaded(path) is { } cached) return cached;
        LlamaModel? loaded = null;
        try
        {
            loaded = ModelCache.GetOrLoad(path, DeviceArgument.DefaultOptions(), out bool fresh);
            if (fresh) cmdlet.WriteVerbose(LoadMessage(loaded));
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.From(e, path));
        }
        return loaded!;
    }

    /// <summary>
    /// The model from -Model loaded through the cache with <paramref name="adjust"/> applied to the options it has
    /// (those of the given model, else of a model already loaded from that path, else the defaults): how a cmdlet's
    /// -Threads or -ContextLength takes effect. Each set of options is a separate cache entry.
    /// </summary>
    public static LlamaModel Resolve(PSCmdlet cmdlet, object? model, Func<ModelLoadOptions, ModelLoadOptions> adjust)
    {
        object? value = model is PSObject pso ? pso.BaseObject : model;
        string path = value is LlamaModel given ? given.Path : PathOf(cmdlet, model)!;
        ModelLoadOptions current = (value as LlamaModel)?.Options ?? ModelCache.FindLoaded(path)?.Options ?? DeviceArgument.DefaultOptions();
        LlamaModel? loaded = null;
        try
        {
            loaded = ModelCache.GetOrLoad(path, adjust(current), out bool fresh);
            if (fresh) cmdlet.WriteVerbose(LoadMessage(loaded));
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.From(e, path));
        }
        return loaded!;
    }

    public static string LoadMessage(LlamaModel m) =>
        $"Loaded {m.Name} ({m.Architecture}, {m.TensorTypes}) from {m.Path} in {m.LoadTime.TotalMilliseconds:F0} ms on {m.Device}: {m.Placement}."
        + (m.Backend is LlamaPS.Engine.Gpu.GpuBackend gpu
            ? $" Kernels compiled (JIT) in {gpu.KernelCompileTime.TotalMilliseconds:F0} ms while {gpu.WeightBytes / (1 << 20)} MiB of weights were repacked and uploaded in {gpu.UploadTime.TotalMilliseconds:F0} ms."
            : "");
}
