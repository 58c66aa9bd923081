namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// The vector code a family of quantized types shares, generic over the block type (<see cref="Q8_0PairedDot{TBlock}"/>,
/// <see cref="Q8_1PairedDot{TBlock}"/>, <see cref="Q8_KRunsDot{TRuns}"/>): the activation format it pairs with, its
/// one-token product and 2-row prompt tile on AVX2 or AVX-VNNI (by the <see cref="IInt8MultiplyAdd"/> type argument),
/// and its portable product. <see cref="QuantizedKernel{TDot}"/> turns it into a kernel.
/// </summary>
internal unsafe interface IQuantizedDot
{
    static abstract ActivationFormat Activation { get; }

    /// <summary>The tile's weight rows and tokens.</summary>
    static abstract int TileRows { get; }
    static abstract int TileTokens { get; }

    static abstract float Dot<TMultiplyAdd>(byte* row, byte* activations, int n) where TMultiplyAdd : struct, IInt8MultiplyAdd;

    /// <summary>The portable path (Vector128: ARM64 and others).</summary>
    static abstract float Vector128Dot(byte* row, byte* activations, int n);

    /// <summary>y[t * yStride + r] for <see cref="TileRows"/> rows and <see cref="TileTokens"/> tokens.</summary>
    static abstract void Tile<TMultiplyAdd>(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride) where TMultiplyAdd : struct, IInt8MultiplyAdd;
}
