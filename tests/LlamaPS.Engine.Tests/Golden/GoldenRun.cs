namespace LlamaPS.Engine.Tests.Golden;

/// <summary>
/// One llama.cpp reference run from ../shared/golden: prompt ids, greedy ids, and the logits each greedy id was
/// chosen from (row s: after the prompt and genIds[0..s-1]). The .tsv gives each step's top-1/top-2 gap and piece.
/// </summary>
public sealed class GoldenRun
{
    public required int Vocab { get; init; }
    public required int[] PromptIds { get; init; }
    public required int[] GenIds { get; init; }
    public required float[][] Logits { get; init; }
    public required float[] Gaps { get; init; }
    public required string[] Pieces { get; init; }

    public static GoldenRun Load(string model, string prompt)
    {
        string bin = SharedData.PathOf("golden", $"{model}.{prompt}.bin");
        using var r = new BinaryReader(File.OpenRead(bin));
        int vocab = r.ReadInt32(), nPrompt = r.ReadInt32(), nGen = r.ReadInt32();
        int[] Ints(int n) => Enumerable.Range(0, n).Select(_ => r.ReadInt32()).ToArray();
        int[] promptIds = Ints(nPrompt), genIds = Ints(nGen);
        var logits = new float[nGen][];
        for (int s = 0; s < nGen; s++)
        {
            logits[s] = new float[vocab];
            for (int i = 0; i < vocab; i++) logits[s][i] = r.ReadSingle();
        }
        var lines = File.ReadAllLines(SharedData.PathOf("golden", $"{model}.{prompt}.tsv"));
        Assert.Equal(nGen, lines.Length);
        var cols = lines.Select(l => l.Split('\t', 3)).ToArray();
        for (int s = 0; s < nGen; s++) Assert.Equal(genIds[s], int.Parse(cols[s][0]));
        return new GoldenRun
        {
            Vocab = vocab, PromptIds = promptIds, GenIds = genIds, Logits = logits,
            Gaps = cols.Select(c => float.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            Pieces = cols.Select(c => c[2].Replace("\\n", "\n").Replace("\\t", "\t")).ToArray(),
        };
    }
}
