using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// A weight matrix [Rows, Cols] that is rows FirstRow..FirstRow + Rows - 1 of a GGUF tensor: the whole tensor, or
/// one block of a fused one (phi3 stores Q, K and V one above the other in attn_qkv, and the gate above the up
/// projection in ffn_up). Rows are whole in every type, so a block is read in place like a tensor of its own.
/// </summary>
public sealed record TensorRows(GgufTensorInfo Tensor, int FirstRow, int Rows)
{
    public int Cols => checked((int)Tensor.RowLength);

    public static TensorRows Whole(GgufTensorInfo tensor) => new(tensor, 0, checked((int)tensor.RowCount));

    public override string ToString() => Rows == Tensor.RowCount ? Tensor.Name : $"{Tensor.Name}[rows {FirstRow}..{FirstRow + Rows - 1}]";
}
