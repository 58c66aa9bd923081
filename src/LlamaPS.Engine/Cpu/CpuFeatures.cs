namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The SIMD path the CPU kernels take in this process (<see cref="SimdPaths.Best"/>, chosen once from the CPU's
/// features or forced by LLAMAPS_SIMD), in words, for a backend's description.
/// </summary>
public static class CpuFeatures
{
    public static string Describe() => Describe(SimdPaths.Best);

    internal static string Describe(SimdPath path) => path switch
    {
        // AVX-512 does not imply AVX-VNNI, and where both are there the kernels take both.
        SimdPath.Avx512 => SimdPaths.TakesAvxVnni(path) ? "AVX-512 and AVX-VNNI kernels" : "AVX-512 kernels",
        SimdPath.AvxVnni => "AVX-VNNI kernels",
        SimdPath.Avx2 => "AVX2 kernels",
        SimdPath.Vector128 => "Vector128 kernels",
        _ => "scalar kernels",
    };
}
