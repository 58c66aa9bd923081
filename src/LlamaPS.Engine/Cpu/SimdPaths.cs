using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Which <see cref="SimdPath"/>s this CPU runs, and the one the engine uses: chosen once at start from the CPU's
/// features, or forced lower with the environment variable LLAMAPS_SIMD (Scalar, Vector128, Avx2, AvxVnni, Avx512) to compare paths.
/// </summary>
public static class SimdPaths
{
    public const string EnvironmentVariable = "LLAMAPS_SIMD";

    public static bool IsSupported(SimdPath path) => path switch
    {
        SimdPath.Scalar => true,
        SimdPath.Vector128 => Vector128.IsHardwareAccelerated,
        SimdPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        SimdPath.AvxVnni => Avx2.IsSupported && Fma.IsSupported && AvxVnniSupported(),
        SimdPath.Avx512 => Avx2.IsSupported && Fma.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported,
        _ => false,
    };

    // AvxVnni is a preview API in net8.0, the engine's target (stable from .NET 9): the opt-in is this use only.
#pragma warning disable CA2252
    private static bool AvxVnniSupported() => AvxVnni.IsSupported;
#pragma warning restore CA2252

    /// <summary>
    /// Whether a kernel asked for <paramref name="path"/> takes its AVX-VNNI code: for AvxVnni itself, and for Avx512
    /// (which does not imply AVX-VNNI) where this CPU has it too.
    /// </summary>
    public static bool TakesAvxVnni(SimdPath path) => path >= SimdPath.AvxVnni && HasAvxVnni;

    private static readonly bool HasAvxVnni = IsSupported(SimdPath.AvxVnni);

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
