using System.Management.Automation;
using LlamaPS.Engine.Devices;
using LlamaPS.Engine.Gpu;
using LlamaPS.Engine.Inference;

namespace LlamaPS;

/// <summary>
/// Resolves a cmdlet's -Device: Get-LlamaDevice's index (0 is the CPU engine), a kind ('CPU', 'CUDA', 'OpenCL',
/// 'ILGPU-CPU'), a device name (wildcards allowed), or a device object from Get-LlamaDevice. Without -Device a model
/// goes to the best usable GPU, CUDA before OpenCL, else the CPU; ILGPU's CPU accelerator only when asked for.
/// </summary>
internal static class DeviceArgument
{
    /// <summary>The device a model loads on when no -Device is given; null is the CPU engine.</summary>
    public static IModelDevice? Default => GpuDevices.Best;

    /// <summary>Load options with the default device.</summary>
    public static ModelLoadOptions DefaultOptions() => new() { Device = Default };

    /// <summary>The device -Device names (null: the CPU engine); a terminating DeviceNotFound or DeviceUnusable error otherwise.</summary>
    public static IModelDevice? Resolve(PSCmdlet cmdlet, object device)
    {
        object value = device is PSObject pso ? pso.BaseObject : device;
        var gpus = GpuDevices.All;
        GpuDevice? found = null;
        switch (value)
        {
            case CpuDeviceInfo:
                return null;
            case GpuDevice gpu:
                found = gpu;
                break;
            case int index when index == 0:
                return null;
            case int index when index > 0 && index <= gpus.Count:
                found = gpus[index - 1];
                break;
            case string text when int.TryParse(text.Trim(), out int index):
                return Resolve(cmdlet, index);
            case string text when text.Equals("CPU", StringComparison.OrdinalIgnoreCase):
                return null;
            case string text:
                var pattern = new WildcardPattern(text, WildcardOptions.IgnoreCase);
                found = gpus.FirstOrDefault(d => d.Kind.Equals(text, StringComparison.OrdinalIgnoreCase) && d.Usable)
                    ?? gpus.FirstOrDefault(d => d.Kind.Equals(text, StringComparison.OrdinalIgnoreCase))
                    ?? gpus.FirstOrDefault(d => pattern.IsMatch(d.Name));
                break;
        }
        if (found is null)
        {
            string known = string.Join(", ", new[] { "0 CPU" }.Concat(gpus.Select((d, i) => $"{i + 1} {d.Kind} {d.Name}")));
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Device '{value}' was not found. Devices: {known}."),
                "DeviceNotFound", ErrorCategory.ObjectNotFound, device));
        }
        if (found!.UnusableReason is string reason)
            cmdlet.ThrowTerminatingError(new ErrorRecord(new NotSupportedException($"{found.Kind} {found.Name} cannot run LlamaPS's kernels: {reason}"),
                "DeviceUnusable", ErrorCategory.DeviceError, device));
        return found;
    }

    /// <summary>Applies -Device and -GpuLayers, where the cmdlet was given them, to load options.</summary>
    public static ModelLoadOptions Apply(PSCmdlet cmdlet, ModelLoadOptions options, object? device, int gpuLayers)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        if (bound.ContainsKey("Device")) options = options with { Device = Resolve(cmdlet, device!) };
        if (bound.ContainsKey("GpuLayers")) options = options with { GpuLayers = gpuLayers };
        return options;
    }

    /// <summary>Whether the cmdlet was given -Device or -GpuLayers.</summary>
    public static bool Given(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.ContainsKey("Device") || cmdlet.MyInvocation.BoundParameters.ContainsKey("GpuLayers");
}
