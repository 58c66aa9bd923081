using System.Runtime.Intrinsics;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// A weight block of 32 values with its f16 scale in the first two bytes, whose values unpack to signed bytes
/// (Q8_0, Q4_0, IQ4_NL): such weights pair with Q8_0 activations, and one generic dot product and GEMM tile
/// (<see cref="Q8_0PairedDot{TBlock}"/>) serves them all.
/// </summary>
internal unsafe interface IQ8_0PairedBlock
{
    /// <summary>Bytes per block.</summary>
    static abstract int BlockBytes { get; }

    /// <summary>The 32 values as signed bytes, in element order.</summary>
    static abstract Vector256<sbyte> Unpack256(byte* block);

    /// <summary>The 32 values as two halves of 16 signed bytes (elements 0-15, 16-31).</summary>
    static abstract (Vector128<sbyte> Low, Vector128<sbyte> High) Unpack128(byte* block);
}
