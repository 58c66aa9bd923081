using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>llama.cpp's own tokenizer test vectors for the SentencePiece vocabularies, one row per input.</summary>
public class SentencePieceVectorTests
{
    public static TheoryData<string, int, string> Cases =>
        VocabTestVectors.Rows("ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf");

    /// <summary>As test-tokenizer-0 runs them: no BOS/EOS, special tokens not parsed.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_MatchesLlamaCpp(string vocabFile, int index, string input)
    {
        var testCase = VocabTestVectors.Get(vocabFile, index);
        Assert.Equal(testCase.Input, input);
        ITokenizer tokenizer = TestTokenizers.Get("tokenizer", vocabFile);

        Assert.Equal(testCase.ExpectedIds, tokenizer.Encode(input, addSpecial: false, parseSpecial: false));
    }

    /// <summary>
    /// Streaming the expected ids back gives the input again (the space prefix stripped as llama.cpp's detokenize
    /// does), and no chunk ever holds half a character, though several inputs need byte tokens.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void StreamingDecode_OfExpectedIds_ReproducesInputInWholeCharacters(string vocabFile, int index, string input)
    {
        var testCase = VocabTestVectors.Get(vocabFile, index);
        ITokenizer tokenizer = TestTokenizers.Get("tokenizer", vocabFile);
        var decoder = new TokenTextDecoder(tokenizer, stripLeadingSpace: true);

        var chunks = testCase.ExpectedIds.Select(decoder.Append).Append(decoder.Flush()).ToList();

        Assert.All(chunks, chunk => Assert.True(IsWellFormed(chunk), $"chunk '{chunk}' splits a character"));
        Assert.Equal(input, string.Concat(chunks));
    }

    private static bool IsWellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\uFFFD') return false;
            if (char.IsHighSurrogate(s[i]) && (i + 1 == s.Length || !char.IsLowSurrogate(s[++i]))) return false;
            if (char.IsLowSurrogate(s[i]) && (i == 0 || !char.IsHighSurrogate(s[i - 1]))) return false;
        }
        return true;
    }
}
