using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// What the CPU engine can do with weights of one <see cref="GgmlType"/>: expand a row to f32 (embedding lookups,
/// references) and take the dot product of a row with activations prepared in <see cref="Activation"/> format.
/// Each kernel has a vectorised <see cref="Dot"/> and the plain scalar expression it must agree with.
/// </summary>
public abstract unsafe class WeightKernel
{
    private static readonly Dictionary<GgmlType, WeightKernel> Kernels = new WeightKernel[]
    {
        new F32Kernel(), new F16Kernel(), new BF16Kernel(), new Q8_0Kernel(), new Q4_0Kernel(), new Q6_KKernel(),
    }.ToDictionary(k => k.Type);

    public abstract GgmlType Type { get; }
    public abstract ActivationFormat Activation { get; }

    /// <summary>Expands <paramref name="dst"/>.Length elements of the row at <paramref name="row"/> to f32.</summary>
    public abstract void DequantizeRow(byte* row, Span<float> dst);

    /// <summary>Dot product of <paramref name="n"/> weights with <paramref name="n"/> activations, fastest path of this CPU.</summary>
    public abstract float Dot(byte* row, byte* activations, int n);

    /// <summary>The same dot product as a plain scalar loop: the reference the vector paths are tested against.</summary>
    public abstract float DotScalar(byte* row, byte* activations, int n);

    public static IEnumerable<GgmlType> SupportedTypes => Kernels.Keys;

    public static WeightKernel? For(GgmlType type) => Kernels.GetValueOrDefault(type);
}
