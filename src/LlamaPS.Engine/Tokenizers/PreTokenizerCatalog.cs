using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// The pre-tokenizers of byte-level BPE vocabularies by their <c>tokenizer.ggml.pre</c> name, with the split patterns
/// of the models' own tokenizers (tokenizer.json) and the names llama.cpp gives them. Patterns are the models', written
/// for .NET: <c>\z</c> where the model means the end of the piece, explicit case classes for LLaMA 3's <c>(?i:'s|...)</c>.
/// </summary>
internal static partial class PreTokenizerCatalog
{
    /// <summary>GPT-2's split: contractions, letters, digits and other symbols each with one optional leading space, then whitespace.</summary>
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>LLaMA 3 (tiktoken cl100k): case-insensitive contractions, a letter run with one leading non-letter, digits in threes, newlines kept with symbols.</summary>
    private const string Llama3Pattern =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2: LLaMA 3's split with single digits.</summary>
    private const string Qwen2Pattern =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>DeepSeek's CJK run: CJK ideographs U+4E00..U+9FA5, everything from U+0800 up to them, and Hangul syllables.</summary>
    private const string DeepSeekCjkPattern = @"[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

    /// <summary>
    /// DeepSeek LLM's letter run: the cased letters (Lu, Ll, Lt) as its tokenizer lists them. .NET classes hold UTF-16
    /// units, so the list's supplementary ranges (<see cref="IsDeepSeekLlmSupplementaryLetter"/>) are not written here:
    /// <see cref="PreTokenizer"/> shows their letters as U+AB70, which is in the class, and other supplementary letters
    /// as a stand-in outside it.
    /// </summary>
    private const string DeepSeekLlmLetterPattern =
        @"\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377" +
        @"\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5" +
        @"\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D" +
        @"\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4" +
        @"\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D" +
        @"\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4" +
        @"\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06" +
        @"\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A]+";

    /// <summary>DeepSeek LLM's symbol run: ASCII punctuation and letters, their full-width forms, curly quotes, CJK space and stops.</summary>
    private const string DeepSeekLlmSymbolPattern = @"\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+";

    /// <summary>BLOOM: an optional space and a run of anything but whitespace, sentence punctuation (Latin, CJK, Devanagari, Arabic), '(', ')' and '|'.</summary>
    private const string BloomPattern = @" ?[^(\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";

    [GeneratedRegex(Gpt2Pattern)] private static partial Regex Gpt2();
    [GeneratedRegex(Llama3Pattern)] private static partial Regex Llama3();
    [GeneratedRegex(Qwen2Pattern)] private static partial Regex Qwen2();
    [GeneratedRegex(@"[\r\n]")] private static partial Regex Newline();
    [GeneratedRegex(@"\s?\p{L}+")] private static partial Regex SpaceLetters();
    [GeneratedRegex(@"\s?\p{P}+")] private static partial Regex SpacePunctuation();
    [GeneratedRegex(DeepSeekCjkPattern)] private static partial Regex DeepSeekCjk();
    [GeneratedRegex(DeepSeekLlmLetterPattern)] private static partial Regex DeepSeekLlmLetters();
    [GeneratedRegex(DeepSeekLlmSymbolPattern)] private static partial Regex DeepSeekLlmSymbols();
    [GeneratedRegex(@"\s+\z")] private static partial Regex TrailingSpace();
    [GeneratedRegex(@"\p{N}")] private static partial Regex Digit();
    [GeneratedRegex(@"\p{N}+")] private static partial Regex Digits();
    [GeneratedRegex(@"[0-9][0-9][0-9]")] private static partial Regex ThreeAsciiDigits();
    [GeneratedRegex(@"[\p{P}$+<=>^~|`]+")] private static partial Regex FalconPunctuation();
    [GeneratedRegex(@"[\p{P}$+<=>^~|]+")] private static partial Regex DefaultPunctuation();
    [GeneratedRegex(BloomPattern)] private static partial Regex Bloom();

    private static readonly FrozenDictionary<string, PreTokenizer> ByName = Build();

    /// <summary>Deseret, Osage, Old Hungarian, Warang Citi and Adlam letters: the supplementary ranges of DeepSeek LLM's letter run.</summary>
    public static bool IsDeepSeekLlmSupplementaryLetter(int codePoint) => codePoint is >= 0x10400 and <= 0x1044F
        or >= 0x104B0 and <= 0x104D3 or >= 0x104D8 and <= 0x104FB or >= 0x10C80 and <= 0x10CB2 or >= 0x10CC0 and <= 0x10CF2
        or >= 0x118A0 and <= 0x118DF or >= 0x1E900 and <= 0x1E943;

    /// <summary>The names this catalog knows, sorted, for error messages.</summary>
    public static IEnumerable<string> Names => ByName.Keys.Order(StringComparer.Ordinal);

    /// <summary>
    /// The pre-tokenizer a vocabulary names, or null for a name this catalog lacks. A vocabulary that names none gets
    /// <c>default</c>, as in llama.cpp (converters before 2024 wrote no name).
    /// </summary>
    public static PreTokenizer? Find(string name) => ByName.GetValueOrDefault(name.Length == 0 ? "default" : name);

    private static FrozenDictionary<string, PreTokenizer> Build()
    {
        var byName = new Dictionary<string, PreTokenizer>(StringComparer.Ordinal);
        void Add(string[] names, bool ignoreMerges, bool addsBos, params Regex[] stages)
        {
            foreach (string name in names) byName.Add(name, new PreTokenizer(name, ignoreMerges, addsBos, stages));
        }

        Add(["default"], false, false, DefaultPunctuation(), Gpt2(), Digits(), ThreeAsciiDigits());
        Add(["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"], true, true, Llama3());
        Add(["dbrx", "smaug-bpe"], false, false, Llama3());
        Add(["qwen2", "deepseek-r1-qwen", "megrez", "stablelm2", "hunyuan", "grok-2", "kormo", "solar-open"], false, false, Qwen2());
        Add(["gpt-2", "phi-2", "mpt", "olmo", "jais", "gigachat", "exaone4", "jina-es", "jina-de", "jina-v1-en", "jina-v2-es",
            "jina-v2-de", "jina-v2-code", "roberta-bpe"], false, false, Gpt2());
        Add(["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"], false, false, Digit(), Gpt2());
        Add(["falcon"], false, false, FalconPunctuation(), Gpt2(), ThreeAsciiDigits());
        Add(["deepseek-coder"], false, false, Newline(), SpaceLetters(), SpacePunctuation(), DeepSeekCjk(), Digit());
        Add(["deepseek-llm"], false, false,
            Newline(), DeepSeekLlmLetters(), DeepSeekLlmSymbols(), TrailingSpace(), DeepSeekCjk(), Digits());
        Add(["poro-chat", "bloom", "gpt3-finnish"], false, false, Bloom());
        Add(["viking"], false, false, Bloom(), Digit());
        return byName.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
