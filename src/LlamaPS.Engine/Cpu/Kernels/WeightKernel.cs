using System.Runtime.CompilerServices;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// What the CPU engine can do with weights of one <see cref="GgmlType"/>: expand a row to f32 (embedding lookups,
/// references) and take the dot product of a row with activations prepared in <see cref="Activation"/> format.
/// Each kernel has the plain scalar expression and vectorised paths (<see cref="Paths"/>) that must agree with it.
/// </summary>
public abstract unsafe class WeightKernel
{
    private static readonly Dictionary<GgmlType, WeightKernel> Kernels = new WeightKernel[]
    {
        new F32Kernel(), new F16Kernel(), new BF16Kernel(), new Q8_0Kernel(), new Q4_0Kernel(), new Q6_KKernel(),
        new Q4_1Kernel(), new Q5_0Kernel(), new Q5_1Kernel(), new IQ4_NLKernel(),
        new Q2_KKernel(), new Q3_KKernel(), new Q4_KKernel(), new Q5_KKernel(), new IQ4_XSKernel(),
    }.ToDictionary(k => k.Type);

    // The kernels are compiled fully optimised at their first call, and the JIT then keeps a class-initialisation
    // check for each static whose class is not initialised yet: for Fp16's table that was a helper call per block
    // inside the loops, with the loop's vector constants spilled around it (one-token Q4_K and Q6_K products 26 ->
    // 33 GB/s without it). Every kernel is reached through this class, so the table now exists before any of them
    // is compiled.
    static WeightKernel() => RuntimeHelpers.RunClassConstructor(typeof(Fp16).TypeHandle);

    public abstract GgmlType Type { get; }
    public abstract ActivationFormat Activation { get; }

    /// <summary>The vector paths this kernel implements itself (besides <see cref="SimdPath.Scalar"/>).</summary>
    public abstract IReadOnlyList<SimdPath> Paths { get; }

    /// <summary>Expands <paramref name="dst"/>.Length elements of the row at <paramref name="row"/> to f32.</summary>
    public abstract void DequantizeRow(byte* row, Span<float> dst);

    /// <summary>The dot product as a plain scalar loop: the reference the vector paths are tested against.</summary>
    public abstract float DotScalar(byte* row, byte* activations, int n);

    /// <summary>
    /// Dot product of <paramref name="n"/> weights with <paramref name="n"/> activations on <paramref name="path"/>,
    /// or on the best path below it that this kernel has. The caller makes sure the CPU supports the path.
    /// </summary>
    public abstract float Dot(byte* row, byte* activations, int n, SimdPath path);

    /// <summary>
    /// y[r] = row r · activations for <paramref name="rows"/> rows <paramref name="rowStride"/> bytes apart: one
    /// token's product over a range of rows. Kernels whose one-token path is hot override it, so that a row costs
    /// no call and no reload of the loop's constants: with 2048 columns a row is only 8 super-blocks, and those
    /// costs were about a tenth of a row's time where the weights come from cache.
    /// </summary>
    public virtual void DotRows(byte* row, long rowStride, byte* activations, int n, float* y, int rows, SimdPath path)
    {
        for (int r = 0; r < rows; r++) y[r] = Dot(row + r * rowStride, activations, n, path);
    }

    /// <summary>One dot product through <see cref="DotRows"/>, for a path that a kernel has only for ranges of rows.</summary>
    protected float DotOfOneRow(byte* row, byte* activations, int n, SimdPath path)
    {
        float y;
        DotRows(row, 0, activations, n, &y, 1, path);
        return y;
    }

    /// <summary>Dot product on the engine's chosen path.</summary>
    public float Dot(byte* row, byte* activations, int n) => Dot(row, activations, n, SimdPaths.Best);

    /// <summary>
    /// The register tile this kernel has on <paramref name="path"/> for a product over <paramref name="tokens"/>
    /// tokens: weight rows by tokens; (1, 1) for none.
    /// </summary>
    public virtual (int Rows, int Tokens) TileFor(SimdPath path, int tokens) => (1, 1);

    /// <summary>
    /// One full tile of the size <see cref="TileFor"/> gives for the same path and <paramref name="tokens"/> (the
    /// product's token count): y[t * yStride + r] = row r · activations t, rows <paramref name="rowStride"/> bytes
    /// apart, activation rows <paramref name="activationStride"/> bytes apart. A 1 x 1 tile is one dot product.
    /// </summary>
    public void DotTile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path, int tokens)
    {
        var (rows, columns) = TileFor(path, tokens);
        if (rows * columns > 1) Tile(row, rowStride, activations, activationStride, n, y, yStride, path);
        else y[0] = Dot(row, activations, n, path);
    }

    /// <summary>The register tile itself; called only for a path and token count whose <see cref="TileFor"/> is larger than 1 x 1.</summary>
    protected virtual void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path) =>
        throw new NotSupportedException($"{Type} has no register tile on {path}.");

    public static IEnumerable<GgmlType> SupportedTypes => Kernels.Keys;

    public static WeightKernel? For(GgmlType type) => Kernels.GetValueOrDefault(type);
}
