namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The instruction-set paths a CPU kernel can take. A kernel implements some of them; asked for one it lacks, it
/// takes the next lower one it has. There is no 512-bit integer path on purpose: without VNNI, AVX-512's byte
/// multiply-adds are the same instructions as AVX2's at twice the width, which Zen 4 splits in two anyway; and
/// vpdpbusd is reachable from .NET only through AVX10 or, for 256 bits, AvxVnni, a preview API under net8.0.
/// </summary>
public enum SimdPath
{
    /// <summary>Plain scalar C#: the reference every other path is tested against.</summary>
    Scalar,
    /// <summary>Portable 128-bit vectors (SSE4 on x86, AdvSimd on ARM64), so no CPU is left scalar.</summary>
    Vector128,
    /// <summary>AVX2 with FMA: 256-bit integer multiply-adds (vpmaddubsw / vpmaddwd).</summary>
    Avx2,
}
