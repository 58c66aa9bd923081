using System.Runtime.Intrinsics;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// A 32-value weight block with its f16 scale in the first two bytes that <see cref="Q8_0PairsAvx2{TBlock}"/> can
/// take two at a time against <see cref="ActivationFormat.Q8_0Pairs"/> activations: the block type says how two
/// blocks load into registers and how they multiply with a pair of activation blocks.
/// </summary>
internal unsafe interface IQ8_0PairsBlock
{
    static abstract int BlockBytes { get; }

    /// <summary>The weights of two blocks (values 0-15 of both, then 16-31 of both), in whatever form <see cref="Products"/> wants.</summary>
    static abstract WeightPair Load(byte* first, byte* second);

    /// <summary>Integer sums of weights times the activation pair at <paramref name="pair"/>, as f32: lanes 0-3 block one, 4-7 block two.</summary>
    static abstract Vector256<float> Products(in WeightPair w, byte* pair);
}

/// <summary>Two weight blocks held in registers: the low and high value halves, and two more registers a block type may use.</summary>
internal readonly record struct WeightPair(Vector256<byte> Low, Vector256<byte> High, Vector256<byte> Extra1, Vector256<byte> Extra2);
