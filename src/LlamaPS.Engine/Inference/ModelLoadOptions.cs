namespace LlamaPS.Engine.Inference;

/// <summary>How a model is loaded; part of the model cache's key.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Positions the KV cache holds; 0 takes the model's training context, capped at <see cref="DefaultMaxContext"/>.</summary>
    public int ContextLength { get; init; }
    /// <summary>CPU threads; 0 uses every core.</summary>
    public int Threads { get; init; }
    /// <summary>The device to offload to; null runs the model on the CPU engine.</summary>
    public IModelDevice? Device { get; init; }
    /// <summary>
    /// Layers to run on <see cref="Device"/>, as llama.cpp's -ngl, counted from the last one: N offloads the last N
    /// blocks with the output norm and projection, the token embedding and the first blocks staying on the CPU
    /// engine; <see cref="AllLayersThatFit"/> offloads as many as fit in the device's memory with their KV cache (the
    /// whole model when it fits), or none when the device cannot run the architecture; 0 runs it on the CPU; the block
    /// count (or more) offloads every layer, or fails saying why.
    /// </summary>
    public int GpuLayers { get; init; } = AllLayersThatFit;

    public const int AllLayersThatFit = -1;

    public const int DefaultMaxContext = 4096;
}
