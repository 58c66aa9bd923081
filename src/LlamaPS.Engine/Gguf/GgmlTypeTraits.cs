namespace LlamaPS.Engine.Gguf;

/// <summary>
/// Storage geometry of each <see cref="GgmlType"/>: how many elements one block holds and how many bytes it takes.
/// The reader needs this for every type a file may name, supported by our kernels or not, to size tensor data.
/// </summary>
public static class GgmlTypeTraits
{
    /// <summary>Elements per block and bytes per block; false for an id that ggml does not define.</summary>
    public static bool TryGetBlock(GgmlType type, out int blockSize, out int typeSize)
    {
        (blockSize, typeSize) = type switch
        {
            GgmlType.F32 => (1, 4),
            GgmlType.F16 => (1, 2),
            GgmlType.BF16 => (1, 2),
            GgmlType.F64 => (1, 8),
            GgmlType.I8 => (1, 1),
            GgmlType.I16 => (1, 2),
            GgmlType.I32 => (1, 4),
            GgmlType.I64 => (1, 8),
            GgmlType.Q4_0 => (32, 18),
            GgmlType.Q4_1 => (32, 20),
            GgmlType.Q5_0 => (32, 22),
            GgmlType.Q5_1 => (32, 24),
            GgmlType.Q8_0 => (32, 34),
            GgmlType.Q8_1 => (32, 36),
            GgmlType.IQ4_NL => (32, 18),
            GgmlType.MXFP4 => (32, 17),
            GgmlType.Q2_K => (256, 84),
            GgmlType.Q3_K => (256, 110),
            GgmlType.Q4_K => (256, 144),
            GgmlType.Q5_K => (256, 176),
            GgmlType.Q6_K => (256, 210),
            GgmlType.Q8_K => (256, 292),
            GgmlType.IQ2_XXS => (256, 66),
            GgmlType.IQ2_XS => (256, 74),
            GgmlType.IQ3_XXS => (256, 98),
            GgmlType.IQ1_S => (256, 50),
            GgmlType.IQ3_S => (256, 110),
            GgmlType.IQ2_S => (256, 82),
            GgmlType.IQ4_XS => (256, 136),
            GgmlType.IQ1_M => (256, 56),
            GgmlType.TQ1_0 => (256, 54),
            GgmlType.TQ2_0 => (256, 66),
            _ => (0, 0),
        };
        return blockSize != 0;
    }

    public static int BlockSize(GgmlType type) =>
        TryGetBlock(type, out int b, out _) ? b : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown ggml type.");

    public static int TypeSize(GgmlType type) =>
        TryGetBlock(type, out _, out int s) ? s : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown ggml type.");

    /// <summary>
    /// Bytes of one row of <paramref name="elements"/> elements (a multiple of the block size); throws
    /// <see cref="OverflowException"/> rather than wrap for a row no file could hold.
    /// </summary>
    public static long RowBytes(GgmlType type, long elements) => checked(elements / BlockSize(type) * TypeSize(type));
}
