using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>llama.cpp's own tokenizer test vectors for every vocabulary in ../shared/tokenizer, one row per input.</summary>
public class TokenizerVectorTests
{
    private static readonly string[] SentencePiece = ["ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf"];

    private static readonly string[] BytePair =
    [
        "ggml-vocab-llama-bpe.gguf", "ggml-vocab-qwen2.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-deepseek-coder.gguf",
        "ggml-vocab-deepseek-llm.gguf", "ggml-vocab-falcon.gguf", "ggml-vocab-mpt.gguf", "ggml-vocab-starcoder.gguf",
        "ggml-vocab-refact.gguf",
    ];

    private const string WordPiece = "ggml-vocab-bert-bge.gguf";

    public static TheoryData<string, int, string> Cases => VocabTestVectors.Rows([.. SentencePiece, .. BytePair, WordPiece]);

    /// <summary>SentencePiece and byte-level BPE keep every byte; WordPiece lowercases, strips accents and drops spacing.</summary>
    public static TheoryData<string, int, string> LosslessCases => VocabTestVectors.Rows([.. SentencePiece, .. BytePair]);

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
    /// Streaming the expected ids back gives the input again (a SentencePiece space prefix stripped as llama.cpp's
    /// detokenize does), and no chunk ever holds half a character, though many inputs have characters that span tokens.
    /// </summary>
    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void StreamingDecode_OfExpectedIds_ReproducesInputInWholeCharacters(string vocabFile, int index, string input)
    {
        var testCase = VocabTestVectors.Get(vocabFile, index);
        ITokenizer tokenizer = TestTokenizers.Get("tokenizer", vocabFile);
        var decoder = new TokenTextDecoder(tokenizer, stripLeadingSpace: tokenizer.Vocabulary.AddSpacePrefix);

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
