using System.Collections.Concurrent;
using System.Text;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>
/// llama.cpp's tokenizer test vectors beside a vocabulary file: <c>.inp</c> holds the inputs separated by
/// "\n__ggml_vocab_test__\n" (the newline before the marker belongs to the separator), <c>.out</c> one line of
/// space-separated expected ids per input, without BOS.
/// </summary>
public static class VocabTestVectors
{
    private const string Separator = "\n__ggml_vocab_test__\n";
    private static readonly ConcurrentDictionary<string, List<Case>> Cache = new();

    public sealed record Case(string Input, int[] ExpectedIds);

    /// <summary>Splits the two files' text into cases, exactly as llama.cpp's test-tokenizer-0 reads them.</summary>
    public static List<Case> Parse(string inputText, string outputText)
    {
        var inputs = new List<string>();
        for (int pos = 0; pos < inputText.Length;)
        {
            int next = inputText.IndexOf(Separator, pos, StringComparison.Ordinal);
            if (next < 0)
            {
                inputs.Add(inputText[pos..]);
                break;
            }
            inputs.Add(inputText[pos..next]);
            pos = next + Separator.Length;
        }

        string[] lines = outputText.Split('\n');
        // A final newline ends the last line; it does not start another.
        if (lines.Length > 0 && lines[^1].Length == 0) lines = lines[..^1];
        if (lines.Length != inputs.Count)
        {
            throw new InvalidDataException($"{inputs.Count} inputs but {lines.Length} expected-id lines.");
        }

        return inputs.Select((input, i) => new Case(input, ParseIds(lines[i]))).ToList();
    }

    /// <summary>The cases for a vocabulary file (read once per path).</summary>
    public static List<Case> Load(string vocabPath) => Cache.GetOrAdd(vocabPath, path =>
        Parse(File.ReadAllText(path + ".inp", Encoding.UTF8), File.ReadAllText(path + ".out", Encoding.UTF8)));

    /// <summary>
    /// Theory rows (vocab file, case index, input) for the given vocabularies; the input is there so that a failing
    /// row names it. When ../shared is missing at discovery a single row with index -1 stands for each vocabulary,
    /// so that the test runs and skips or fails with the reason.
    /// </summary>
    public static TheoryData<string, int, string> Rows(params string[] vocabFiles)
    {
        var rows = new TheoryData<string, int, string>();
        foreach (string vocab in vocabFiles)
        {
            string? path = SharedData.TryPathOf("tokenizer", vocab);
            List<Case> cases = path is null ? [] : Load(path);
            if (cases.Count == 0) rows.Add(vocab, -1, "");
            for (int i = 0; i < cases.Count; i++) rows.Add(vocab, i, cases[i].Input);
        }
        return rows;
    }

    /// <summary>Case <paramref name="index"/> of a vocabulary file (see <see cref="Rows"/>).</summary>
    public static Case Get(string vocabFile, int index)
    {
        List<Case> cases = Load(SharedData.PathOf("tokenizer", vocabFile));
        Assert.True(index >= 0 && index < cases.Count, $"{vocabFile} has {cases.Count} cases, no case {index}.");
        return cases[index];
    }

    private static int[] ParseIds(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
}
