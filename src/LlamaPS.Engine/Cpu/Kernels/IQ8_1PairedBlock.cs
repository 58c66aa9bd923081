using System.Runtime.Intrinsics;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// A weight block of 32 unsigned values with an f16 scale d at offset 0 and an f16 min m at offset 2 (Q4_1, Q5_1):
/// value = d * q + m. Such weights pair with Q8_1 activations, whose s = d_a * sum(q_a) turns the min term into one
/// product per block; one generic dot product and GEMM tile (<see cref="Q8_1PairedDot{TBlock}"/>) serves them all.
/// </summary>
internal unsafe interface IQ8_1PairedBlock
{
    /// <summary>Bytes per block.</summary>
    static abstract int BlockBytes { get; }

    /// <summary>The 32 values as unsigned bytes (below 128), in element order.</summary>
    static abstract Vector256<byte> Unpack256(byte* block);

    /// <summary>The 32 values as two halves of 16 unsigned bytes (elements 0-15, 16-31).</summary>
    static abstract (Vector128<byte> Low, Vector128<byte> High) Unpack128(byte* block);
}
