namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// One unit of 32 weights as its format stores it on the device, before decoding: up to 8 words (the format's
/// <see cref="IQuantFormat.StoredWords"/>, the rest zero) and up to 2 scales (<see cref="IQuantFormat.ScalesPerUnit"/>).
/// </summary>
public struct StoredUnit
{
    public uint W0, W1, W2, W3, W4, W5, W6, W7;
    public float S0, S1;
}
