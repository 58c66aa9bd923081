namespace LlamaPS.Engine.Inference;

/// <summary>
/// A model's last blocks on a device, from <see cref="FirstLayer"/> to the end, with the output norm and
/// projection: the device's part of a model split with the CPU engine (llama.cpp's -ngl). It takes the hidden
/// states the CPU hands over, so it holds neither the token embedding nor the earlier blocks.
/// </summary>
public interface IOffloadBackend : IDisposable
{
    /// <summary>The device in words, e.g. "Cuda NVIDIA H200 (ILGPU)".</summary>
    string Description { get; }

    /// <summary>The first block it runs; it runs every later one too.</summary>
    int FirstLayer { get; }

    /// <summary>A context whose KV cache holds the blocks from <see cref="FirstLayer"/> on.</summary>
    IOffloadContext CreateContext(int contextLength);
}
