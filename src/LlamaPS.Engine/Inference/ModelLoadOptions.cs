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
    /// Layers to run on <see cref="Device"/>, as llama.cpp's -ngl: <see cref="AllLayersThatFit"/> offloads the whole
    /// model when the device can run it and it fits with its KV cache, else runs it on the CPU; 0 runs it on the CPU;
    /// the block count (or more) offloads every layer, or fails saying why.
    /// </summary>
    public int GpuLayers { get; init; } = AllLayersThatFit;

    public const int AllLayersThatFit = -1;

    public const int DefaultMaxContext = 4096;
}
