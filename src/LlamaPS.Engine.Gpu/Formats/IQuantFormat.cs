using ILGPU;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// A quantized weight type in its device layout. A matrix of R rows and U units of 32 weights per row is stored as
/// <see cref="StoredWords"/> words per unit, word j of row r's unit u at ((r * W + j) * U + u), so that threads
/// taking consecutive units read consecutive words; and <see cref="ScalesPerUnit"/> floats per unit, scale s at
/// ((r * S + s) * U + u). Implemented by structs: kernels are generic over the format and ILGPU specialises them.
/// </summary>
public interface IQuantFormat
{
    /// <summary>Words (4 bytes) one unit of 32 weights takes in the device layout.</summary>
    int StoredWords { get; }

    /// <summary>Floats of scale one unit takes in the device layout.</summary>
    int ScalesPerUnit { get; }

    /// <summary>
    /// Whether a unit's elements 0..15 and 16..31 may have different scales (<see cref="QuantUnit.ScaleLo"/> and
    /// <see cref="QuantUnit.ScaleHi"/>); when not, a kernel may sum all 32 products before scaling.
    /// </summary>
    bool SplitScales { get; }

    /// <summary>Whether units have a minimum (<see cref="QuantUnit.Min"/>, Q4_K's); when not, it is always 0.</summary>
    bool HasMin { get; }

    /// <summary>Device: decodes a unit from its stored words and scales (read by <see cref="QuantLayout"/>).</summary>
    QuantUnit Unpack(in StoredUnit stored);

    /// <summary>
    /// Host: the device form of unit <paramref name="unit"/> of one GGUF row (<paramref name="row"/>, in the type's
    /// own blocks): <see cref="StoredWords"/> words and <see cref="ScalesPerUnit"/> scales.
    /// </summary>
    void Pack(ReadOnlySpan<byte> row, int unit, Span<uint> words, Span<float> scales);
}
