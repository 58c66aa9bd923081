namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// A float weight type in its device layout: the GGUF rows as they are, read as words of
/// <see cref="ElementsPerWord"/> elements (GGUF's data is already what a coalesced load wants). Activations meet
/// these weights rounded to the weight's precision, as ggml's vec_dot_type does.
/// </summary>
public interface IFloatFormat
{
    int ElementsPerWord { get; }

    /// <summary>Element 0 of a word.</summary>
    float First(uint word);

    /// <summary>Element 1 of a word (only when a word holds two).</summary>
    float Second(uint word);

    /// <summary>An activation as it meets these weights.</summary>
    float Activation(float x);
}
