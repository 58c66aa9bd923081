using System.Runtime.Intrinsics;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// A 256-value super-block whose product with Q8_K activations is 8 runs of 32 values, each run's 16-bit pair sums
/// weighted by a scale per 16 values, and then one f32 step per super-block (Q2_K, Q3_K, Q5_K, IQ4_XS): one generic
/// dot product and GEMM tile (<see cref="Q8_KRunsDot{TBlock}"/>) serves them all. An instance is one super-block
/// prepared for its runs (scales and high bits unpacked once, for every token of a tile).
/// </summary>
internal unsafe interface IQ8_KRunBlock<TSelf> where TSelf : struct, IQ8_KRunBlock<TSelf>
{
    /// <summary>Bytes per super-block.</summary>
    static abstract int BlockBytes { get; }

    /// <summary>
    /// Whether <see cref="Run"/> gives signed bytes (multiplied as |w| times the activations carrying w's sign) or
    /// unsigned ones below 128 (multiplied as they are).
    /// </summary>
    static abstract bool Signed { get; }

    static abstract TSelf Prepare(byte* block);

    /// <summary>Run r's values (elements 32r..32r+31) and the 16-bit scales of its halves, [first half's x8 | second's x8].</summary>
    Vector256<byte> Run(int r, out Vector256<short> scales);

    /// <summary>
    /// Adds the super-block's integer sums with token <paramref name="a"/> (8 int32 lanes) into the f32 sums, in the
    /// order of ggml's AVX2 code for the type, so that the results stay llama.cpp's to the bit.
    /// </summary>
    void Finish(BlockQ8_K* a, Vector256<int> isum, ref Vector256<float> acc, ref float rest);

    /// <summary>The dot product from the sums <see cref="Finish"/> kept.</summary>
    static abstract float Result(Vector256<float> acc, float rest);

    /// <summary>The type's portable path (Vector128), which takes its own layout's way.</summary>
    static abstract float Vector128Dot(byte* row, byte* activations, int n);
}
