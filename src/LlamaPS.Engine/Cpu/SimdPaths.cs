using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Which <see cref="SimdPath"/>s this CPU runs, and the one the engine uses: chosen once at start from the CPU's
/// features, or forced lower with the environment variable LLAMAPS_SIMD (Scalar, Vector128, Avx2, Avx512) to compare paths.
/// </summary>
public static class SimdPaths
{
    public const string EnvironmentVariable = "LLAMAPS_SIMD";

    public static bool IsSupported(SimdPath path) => path switch
    {
        SimdPath.Scalar => true,
        SimdPath.Vector128 => Vector128.IsHardwareAccelerated,
        SimdPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        SimdPath.Avx512 => Avx2.IsSupported && Fma.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported,
        _ => false,
    };

    /// <summary>Every path this CPU can run, lowest first.</summary>
    public static IReadOnlyList<SimdPath> Supported { get; } = Enum.GetValues<SimdPath>().Where(IsSupported).ToArray();

    /// <summary>The path the kernels take by default.</summary>
    public static SimdPath Best { get; } = Choose(Environment.GetEnvironmentVariable(EnvironmentVariable));

    internal static SimdPath Choose(string? requested)
    {
        SimdPath best = Supported[^1];
        if (string.IsNullOrWhiteSpace(requested)) return best;
        if (!Enum.TryParse(requested, ignoreCase: true, out SimdPath wanted) || !Enum.IsDefined(wanted))
            throw new ArgumentException($"{EnvironmentVariable}='{requested}' is not one of {string.Join(", ", Enum.GetNames<SimdPath>())}.");
        if (!IsSupported(wanted))
            throw new PlatformNotSupportedException($"{EnvironmentVariable}={wanted}: this CPU does not support it (supported: {string.Join(", ", Supported)}).");
        return wanted;
    }
}
