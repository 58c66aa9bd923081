using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Models;

/// <summary>
/// A SentencePiece vocabulary of any size that llama.cpp and our tokenizer both accept: &lt;unk&gt;, &lt;s&gt;,
/// &lt;/s&gt;, the 256 byte tokens &lt;0x00&gt;..&lt;0xFF&gt; (byte fallback), then distinct filler pieces.
/// </summary>
public static class SyntheticVocabulary
{
    private const int SpecialCount = 3;
    public const int MinimumSize = SpecialCount + 256;

    public static void AddTo(GgufWriter writer, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinimumSize);
        var tokens = new string[size];
        var scores = new float[size];
        var types = new int[size];
        (tokens[0], types[0]) = ("<unk>", (int)TokenType.Unknown);
        (tokens[1], types[1]) = ("<s>", (int)TokenType.Control);
        (tokens[2], types[2]) = ("</s>", (int)TokenType.Control);
        for (int b = 0; b < 256; b++) (tokens[SpecialCount + b], types[SpecialCount + b]) = ($"<0x{b:X2}>", (int)TokenType.Byte);
        for (int i = MinimumSize; i < size; i++)
        {
            int n = i - MinimumSize;
            // Word-start and word-inner pieces alternate; shorter pieces score higher, as in a trained vocabulary.
            tokens[i] = (n % 2 == 0 ? "\u2581" : "") + Letters(n / 2);
            scores[i] = -n;
            types[i] = (int)TokenType.Normal;
        }
        writer.AddMetadata(Vocabulary.ModelKey, "llama");
        writer.AddMetadata(Vocabulary.TokensKey, tokens);
        writer.AddMetadata(Vocabulary.ScoresKey, scores);
        writer.AddMetadata(Vocabulary.TokenTypesKey, types);
        writer.AddMetadata("tokenizer.ggml.unknown_token_id", 0u);
        writer.AddMetadata("tokenizer.ggml.bos_token_id", 1u);
        writer.AddMetadata("tokenizer.ggml.eos_token_id", 2u);
    }

    // Bijective base 26: a..z, aa..zz, aaa..; every n gives a different string.
    private static string Letters(int n)
    {
        var chars = new Stack<char>();
        for (n++; n > 0; n = (n - 1) / 26) chars.Push((char)('a' + (n - 1) % 26));
        return new string(chars.ToArray());
    }
}
