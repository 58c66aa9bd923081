namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// 32 weights as every quantized format decodes them on the device: eight words of four signed bytes in element
/// order (word j holds elements 4j..4j+3), a scale for elements 0..15 and one for 16..31, and a minimum, so that
/// weight i = scale(i) * q[i] - Min. The dot product with 8-bit activations a (scale da, sum sa) is then
/// da * (ScaleLo * sum_lo(q * a) + ScaleHi * sum_hi(q * a) - Min * sa), the integer sums exact as in ggml.
/// </summary>
public struct QuantUnit
{
    public uint W0, W1, W2, W3, W4, W5, W6, W7;
    public float ScaleLo, ScaleHi, Min;
}
