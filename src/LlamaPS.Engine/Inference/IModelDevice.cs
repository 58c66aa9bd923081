using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// A device other than the CPU engine that a model can run on (a GPU backend's), wholly or its last blocks. The
/// engine knows devices only through this: <see cref="LlamaModel.Load"/> asks the chosen one whether it can run a
/// model and how many blocks fit, then for its backend.
/// </summary>
public interface IModelDevice
{
    /// <summary>What kind of device, as users select it: "CUDA", "OpenCL", "ILGPU-CPU".</summary>
    string Kind { get; }

    string Name { get; }

    /// <summary>
    /// Why the device cannot run <paramref name="model"/> at all (it is unusable, its kernels lack a feature the
    /// architecture needs), in plain words; null when it can. Memory is <see cref="LayersThatFit"/>'s question.
    /// </summary>
    string? CannotRun(GgufModel model);

    /// <summary>
    /// How many of the model's last blocks fit in the device's memory with their KV cache of
    /// <paramref name="contextLength"/> positions, the output norm and projection and a batch's buffers: the block
    /// count when the whole model fits, 0 when not even one block does.
    /// </summary>
    int LayersThatFit(GgufModel model, int contextLength);

    /// <summary>The whole model on this device; throws <see cref="UnsupportedModelException"/> when it cannot run it.</summary>
    IInferenceBackend CreateBackend(GgufModel model);

    /// <summary>
    /// The last <paramref name="layers"/> blocks (0 &lt; layers &lt; block count), the output norm and projection on
    /// this device; throws <see cref="UnsupportedModelException"/> when it cannot run them.
    /// </summary>
    IOffloadBackend CreateOffload(GgufModel model, int layers);
}
