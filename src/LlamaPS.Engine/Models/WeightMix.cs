using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// Which type each weight matrix of a model gets, named as llama.cpp's quantize names its file types: one type for
/// every matrix (Q4_0, Q8_0, F16, ...), or a K-quant mix such as Q4_K_M. Norms are always F32 and are not covered.
/// </summary>
public sealed class WeightMix
{
    private readonly GgmlType _base;
    private readonly bool _mediumMix;

    private WeightMix(string name, GgmlType baseType, bool mediumMix)
    {
        Name = name;
        _base = baseType;
        _mediumMix = mediumMix;
    }

    public string Name { get; }

    /// <summary>The mix names <see cref="Parse"/> accepts: any type random weights exist for, and Q4_K_M.</summary>
    public static IReadOnlyList<string> Names =>
        [.. Quants.RandomWeights.SupportedTypes.Select(t => t.ToString()), "Q4_K_M"];

    /// <summary>A single ggml type name (Q4_0, F16, ...) or Q4_K_M, case-insensitive; ArgumentException otherwise.</summary>
    public static WeightMix Parse(string name)
    {
        if (string.Equals(name, "Q4_K_M", StringComparison.OrdinalIgnoreCase)) return new("Q4_K_M", GgmlType.Q4_K, mediumMix: true);
        if (Enum.TryParse(name, ignoreCase: true, out GgmlType type) && !int.TryParse(name, out _) && Quants.RandomWeights.SupportedTypes.Contains(type))
            return new(type.ToString(), type, mediumMix: false);
        throw new ArgumentException($"Unknown or unsupported weight type '{name}' (supported: {string.Join(", ", Names)}).", nameof(name));
    }

    /// <summary>
    /// The type of a matrix: <paramref name="role"/> is its name without the block prefix and ".weight"
    /// (token_embd, output, attn_q, ffn_down, ...), <paramref name="layer"/> its block (ignored outside blocks).
    /// </summary>
    public GgmlType TypeOf(string role, int layer, int layerCount)
    {
        if (!_mediumMix) return _base;
        // llama.cpp's Q4_K_M (llama-quant.cpp): the output projection, and attn_v and ffn_down in the layers
        // use_more_bits picks, get Q6_K; everything else, the token embedding included, is Q4_K.
        return role switch
        {
            "output" => GgmlType.Q6_K,
            "attn_v" or "ffn_down" when UseMoreBits(layer, layerCount) => GgmlType.Q6_K,
            _ => _base,
        };
    }

    /// <summary>llama.cpp's choice of layers worth more bits: the first and last eighths, and every third between.</summary>
    public static bool UseMoreBits(int layer, int layerCount) =>
        layer < layerCount / 8 || layer >= 7 * layerCount / 8 || (layer - layerCount / 8) % 3 == 2;

    public override string ToString() => Name;
}
