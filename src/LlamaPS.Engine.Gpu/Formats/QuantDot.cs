using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>The product of one decoded weight unit with one unit of 8-bit activations (see <see cref="QuantUnit"/>).</summary>
public static class QuantDot
{
    public static float Unit(in QuantUnit w, uint a0, uint a1, uint a2, uint a3, uint a4, uint a5, uint a6, uint a7, float da, int sa)
    {
        int lo = DeviceMath.Dot4(w.W3, a3, DeviceMath.Dot4(w.W2, a2, DeviceMath.Dot4(w.W1, a1, DeviceMath.Dot4(w.W0, a0, 0))));
        int hi = DeviceMath.Dot4(w.W7, a7, DeviceMath.Dot4(w.W6, a6, DeviceMath.Dot4(w.W5, a5, DeviceMath.Dot4(w.W4, a4, 0))));
        return da * (w.ScaleLo * lo + w.ScaleHi * hi - w.Min * sa);
    }
}
