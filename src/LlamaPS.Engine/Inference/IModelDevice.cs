using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// A device other than the CPU engine that a model can run on (a GPU backend's). The engine knows devices only
/// through this: <see cref="LlamaModel.Load"/> asks the chosen one whether it can take a model, then for its backend.
/// </summary>
public interface IModelDevice
{
    /// <summary>What kind of device, as users select it: "CUDA", "OpenCL", "ILGPU-CPU".</summary>
    string Kind { get; }

    string Name { get; }

    /// <summary>
    /// Why the device cannot run <paramref name="model"/> with a KV cache of <paramref name="contextLength"/>
    /// positions (a feature its kernels lack, too little memory), in plain words; null when it can.
    /// </summary>
    string? CannotRun(GgufModel model, int contextLength);

    /// <summary>The model on this device; throws <see cref="UnsupportedModelException"/> when it cannot run it.</summary>
    IInferenceBackend CreateBackend(GgufModel model);
}
