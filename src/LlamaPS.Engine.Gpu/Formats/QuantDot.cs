using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>The product of one decoded weight unit with one unit of 8-bit activations (see <see cref="QuantUnit"/>).</summary>
public static class QuantDot
{
    public static float Unit<TDot>(in QuantUnit w, uint a0, uint a1, uint a2, uint a3, uint a4, uint a5, uint a6, uint a7, float da, int sa)
        where TDot : struct, IInt8Dot
    {
        var d = default(TDot);
        int lo = d.Dot4(w.W3, a3, d.Dot4(w.W2, a2, d.Dot4(w.W1, a1, d.Dot4(w.W0, a0, 0))));
        int hi = d.Dot4(w.W7, a7, d.Dot4(w.W6, a6, d.Dot4(w.W5, a5, d.Dot4(w.W4, a4, 0))));
        return da * (w.ScaleLo * lo + w.ScaleHi * hi - w.Min * sa);
    }
}
