using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Cpu;

namespace LlamaPS.Engine.Devices;

/// <summary>
/// The instruction sets the engine's kernels branch on, as the JIT reports them for this process
/// (a feature can be present in hardware yet disabled by the OS or DOTNET_Enable* settings).
/// </summary>
public static class SimdFeatures
{
    public static IReadOnlyList<string> Supported()
    {
        var features = new List<string>();
        if (Avx512F.IsSupported) features.Add("AVX512F");
        if (Avx512BW.IsSupported) features.Add("AVX512BW");
        if (Avx512F.VL.IsSupported) features.Add("AVX512VL");
        if (Avx512Vbmi.IsSupported) features.Add("AVX512VBMI");
        if (SimdPaths.IsSupported(SimdPath.AvxVnni)) features.Add("AVXVNNI");
        if (Avx2.IsSupported) features.Add("AVX2");
        if (Fma.IsSupported) features.Add("FMA");
        if (Avx.IsSupported) features.Add("AVX");
        if (Sse42.IsSupported) features.Add("SSE4.2");
        if (AdvSimd.IsSupported) features.Add("AdvSimd");
        if (Dp.IsSupported) features.Add("Dp");
        return features;
    }
}
