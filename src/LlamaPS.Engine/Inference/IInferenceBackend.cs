namespace LlamaPS.Engine.Inference;

/// <summary>
/// A model made ready on one device: its weights in the device's form. It creates contexts, each with its own KV
/// cache, so several conversations can share one loaded model.
/// </summary>
public interface IInferenceBackend : IDisposable
{
    /// <summary>The device in words, e.g. "CPU (2 threads, AVX2)".</summary>
    string Description { get; }

    IInferenceContext CreateContext(int contextLength);
}
