using System.Text;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>The tokens of llama.cpp's reference runs of stories260K (../shared/golden): prompt ids and generated pieces.</summary>
public class GoldenRunTests
{
    private const string P1 = "Once upon a time";
    private const string P2 = "Lily and Tom went to the park. They saw a big dog that was barking at a cat in a tree. Tom wanted to help the cat, so he";

    public static TheoryData<string, string> Prompts => new() { { "p1", P1 }, { "p2", P2 } };

    /// <summary>As llama.cpp tokenized the prompt for a plain completion: BOS as the metadata says, specials parsed.</summary>
    [Theory]
    [MemberData(nameof(Prompts))]
    public void Encode_Prompt_EqualsGoldenPromptIds(string name, string prompt)
    {
        var (promptIds, _) = ReadGoldenIds(name);

        Assert.Equal(promptIds, TestTokenizers.Stories260K.Encode(prompt, addSpecial: true, parseSpecial: true));
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void GetPiece_OfGeneratedIds_EqualsGoldenPieces(string name, string prompt)
    {
        _ = prompt;
        ITokenizer tokenizer = TestTokenizers.Stories260K;

        foreach (var (id, piece) in ReadGoldenPieces(name))
        {
            Assert.Equal(piece, Encoding.UTF8.GetString(tokenizer.GetPiece(id, renderSpecial: true)));
        }
    }

    /// <summary>Decoding prompt and generation together: BOS renders as nothing and keeps the first word's space, as in llama.cpp.</summary>
    [Theory]
    [MemberData(nameof(Prompts))]
    public void Decode_PromptAndGeneration_EqualsPromptPlusGoldenPieces(string name, string prompt)
    {
        var (promptIds, genIds) = ReadGoldenIds(name);
        string generated = string.Concat(ReadGoldenPieces(name).Select(p => p.Piece));

        string text = TokenTextDecoder.Decode(TestTokenizers.Stories260K, [.. promptIds, .. genIds]);

        Assert.Equal(" " + prompt + generated, text);
    }

    /// <summary>The prompt and generated ids of golden/stories260K.&lt;name&gt;.bin (logits are not needed here).</summary>
    private static (int[] Prompt, int[] Generated) ReadGoldenIds(string name)
    {
        using var reader = new BinaryReader(File.OpenRead(SharedData.PathOf("golden", $"stories260K.{name}.bin")));
        reader.ReadInt32(); // vocabulary size
        int promptCount = reader.ReadInt32();
        int generatedCount = reader.ReadInt32();
        int[] prompt = Enumerable.Range(0, promptCount).Select(_ => reader.ReadInt32()).ToArray();
        int[] generated = Enumerable.Range(0, generatedCount).Select(_ => reader.ReadInt32()).ToArray();
        return (prompt, generated);
    }

    /// <summary>Lines "id \t gap \t piece" of golden/stories260K.&lt;name&gt;.tsv, the piece unescaped.</summary>
    private static List<(int Id, string Piece)> ReadGoldenPieces(string name) =>
        File.ReadAllLines(SharedData.PathOf("golden", $"stories260K.{name}.tsv"), Encoding.UTF8)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t', 3))
            .Select(fields => (int.Parse(fields[0]), Unescape(fields[2])))
            .ToList();

    private static string Unescape(string piece)
    {
        var text = new StringBuilder(piece.Length);
        for (int i = 0; i < piece.Length; i++)
        {
            if (piece[i] != '\\' || i + 1 == piece.Length)
            {
                text.Append(piece[i]);
                continue;
            }
            char escaped = piece[++i];
            text.Append(escaped switch { 'n' => '\n', 't' => '\t', _ => escaped });
        }
        return text.ToString();
    }
}
