using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu;

/// <summary>The SIMD instruction sets the CPU kernels use on this machine, in words.</summary>
public static class CpuFeatures
{
    public static IReadOnlyList<string> Used
    {
        get
        {
            var list = new List<string>();
            if (Avx512F.IsSupported) list.Add("AVX-512F");
            if (Avx2.IsSupported) list.Add("AVX2");
            if (Fma.IsSupported) list.Add("FMA");
            if (list.Count == 0 && Vector128.IsHardwareAccelerated) list.Add("Vector128");
            if (list.Count == 0) list.Add("scalar");
            return list;
        }
    }

    public static string Describe() => string.Join(", ", Used);
}
