using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// A lane's part of its warp's 16 rows by <see cref="QuantMmaKernel.TileTokens"/> tokens: one <see cref="MmaTile"/>
/// per 8 tokens, in registers.
/// </summary>
public struct MmaWarpTile
{
    public MmaTile T0, T1, T2, T3, T4, T5, T6, T7;

    /// <summary>Adds staged unit <paramref name="unit"/> (a constant at each call) for all the tile's tokens, its A fragment read once.</summary>
    public void AddUnit<TFormat>(in MmaLane lane, int unit)
        where TFormat : struct, IQuantFormat
    {
        var w = new MmaWeights(lane, unit);
        T0.Add<TFormat>(w, lane, 0, unit);
        T1.Add<TFormat>(w, lane, 1, unit);
        T2.Add<TFormat>(w, lane, 2, unit);
        T3.Add<TFormat>(w, lane, 3, unit);
        T4.Add<TFormat>(w, lane, 4, unit);
        T5.Add<TFormat>(w, lane, 5, unit);
        T6.Add<TFormat>(w, lane, 6, unit);
        T7.Add<TFormat>(w, lane, 7, unit);
    }

    /// <summary>Writes rows row and row + 8 of tokens token (= first token + 2c), token + 1, token + 8.. inside y [tokens, rows].</summary>
    public readonly void Store(ArrayView<float> y, int row, int token, int rows, int tokens, int accumulate)
    {
        T0.Store(y, row, token, rows, tokens, accumulate);
        T1.Store(y, row, token + 8, rows, tokens, accumulate);
        T2.Store(y, row, token + 16, rows, tokens, accumulate);
        T3.Store(y, row, token + 24, rows, tokens, accumulate);
        T4.Store(y, row, token + 32, rows, tokens, accumulate);
        T5.Store(y, row, token + 40, rows, tokens, accumulate);
        T6.Store(y, row, token + 48, rows, tokens, accumulate);
        T7.Store(y, row, token + 56, rows, tokens, accumulate);
    }
}
