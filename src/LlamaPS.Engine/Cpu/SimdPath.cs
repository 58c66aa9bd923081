namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The instruction-set paths a CPU kernel can take. A kernel implements some of them; asked for one it lacks, it
/// takes the next lower one it has (the values are ordered, lowest first).
/// </summary>
public enum SimdPath
{
    /// <summary>Plain scalar C#: the reference every other path is tested against.</summary>
    Scalar,
    /// <summary>Portable 128-bit vectors (SSE4 on x86, AdvSimd on ARM64), so no CPU is left scalar.</summary>
    Vector128,
    /// <summary>AVX2 with FMA: 256-bit integer multiply-adds (vpmaddubsw / vpmaddwd).</summary>
    Avx2,
    /// <summary>
    /// AVX2 with AVX-VNNI (256-bit), for every integer kernel: vpdpbusd sums each 4 unsigned-by-signed byte products
    /// straight into int32 lanes, one instruction where AVX2 takes vpmaddubsw, vpmaddwd and an add, and vpdpwssd
    /// fuses the K-quants' per-sub-block scale multiply with the add (<see cref="IInt8MultiplyAdd"/>). The integers
    /// are AVX2's (no 16-bit pair sum saturates), so the results are AVX2's to the bit. AVX-512 does not imply it
    /// (Zen 4 has AVX-512 and no AVX-VNNI), so a kernel takes it only where <see cref="SimdPaths.TakesAvxVnni"/> says
    /// so; the float kernels (F32, F16, BF16) take their AVX2 code on it.
    /// </summary>
    AvxVnni,
    /// <summary>
    /// AVX-512 BW with VBMI (and AVX2 with FMA below it), for one-token products only (the register tiles of prompt
    /// processing stay AVX2). Zen 4 splits 512-bit operations in two, so wider registers alone win nothing; what wins
    /// is fewer instructions per block: vpermi2b gathers eight 18-byte Q4_0 blocks' nibbles from three loads and their
    /// f16 scales are converted eight at a time in registers; Q6_K unpacks 64 values a register, which its layout
    /// allows without extra shuffles, and Q4_K with one vshufi64x2 per 64 values and in-lane scale shuffles.
    /// AVX-512's vpdpbusd (VNNI) has no .NET intrinsic (none up to .NET 10; only the 256-bit AvxVnni), so the byte
    /// multiply-adds stay vpmaddubsw.
    /// </summary>
    Avx512,
}
