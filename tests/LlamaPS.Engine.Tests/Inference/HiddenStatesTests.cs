using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Tests.Gguf;
using LlamaPS.Engine.Tests.Models.Reference;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>
/// <see cref="IInferenceContext.EvaluateHiddenStates"/> on the CPU: the states it returns are the ones the logits are
/// projected from, and they do not depend on how the tokens are split into batches.
/// </summary>
public class HiddenStatesTests(ITestOutputHelper output)
{
    /// <summary>
    /// max |logits - softcap(output x state)| / std(logits). F32: the same products summed in another order (measured
    /// 4e-7). Q8_0: the engine's matrix product quantizes the state to 8 bits per block, as llama.cpp does, the plain
    /// product here does not (measured 1.6e-2). A state taken before the final norm, or from another token, misses
    /// by whole standard deviations.
    /// </summary>
    private static readonly Dictionary<string, double> LogitTolerance = new()
    {
        ["stories260K"] = 1e-5,
        ["synth-llama-q8_0"] = 4e-2,
        ["gemma2 reference"] = 1e-5,
    };

    public static TheoryData<string> LogitCases() => new(LogitTolerance.Keys);

    [Theory]
    [MemberData(nameof(LogitCases))]
    public unsafe void TheLastStateProjectedToTheVocabularyIsTheLogits(string name)
    {
        using var dir = new TempDirectory();
        using var model = LlamaModel.Load(ModelPath(name, dir), new ModelLoadOptions { Threads = 2, ContextLength = 64 });
        var config = model.Gguf.Config;
        int dim = config.EmbeddingLength, vocab = config.VocabSize;
        int[] tokens = new Random(3).GetItems(Enumerable.Range(0, vocab).ToArray(), 19);

        var logits = new float[vocab];
        var states = new float[tokens.Length * dim];
        var ctx = model.Rent();
        ctx.Evaluate(tokens, 0, logits);
        ctx.EvaluateHiddenStates(tokens, 0, states);
        model.Return(ctx);

        WeightMatrix head = ((CpuBackend)model.Backend).Output; // [vocab, dim]
        var row = new float[dim];
        var last = states.AsSpan((tokens.Length - 1) * dim, dim);
        var projected = new double[vocab];
        for (int r = 0; r < vocab; r++)
        {
            head.Kernel.DequantizeRow(head.Row(r), row);
            double sum = 0;
            for (int c = 0; c < dim; c++) sum += row[c] * (double)last[c];
            projected[r] = config.FinalLogitSoftCap > 0 ? config.FinalLogitSoftCap * Math.Tanh(sum / config.FinalLogitSoftCap) : sum;
        }
        double mean = logits.Average(x => (double)x), std = Math.Sqrt(logits.Sum(x => (x - mean) * (x - mean)) / vocab);
        double error = logits.Select((x, i) => Math.Abs(x - projected[i])).Max() / std;
        output.WriteLine($"{name}: normalized error {error:E2}");
        Assert.True(error <= LogitTolerance[name], $"{name}: logits and the projected last state differ by {error:E2} standard deviations.");
    }

    /// <summary>
    /// 300 tokens in one call (batches of 256 and 44) against the same tokens in calls of 7: every state agrees to
    /// float rounding (measured 0 on the AVX2 path: each token's products do not depend on its batch).
    /// </summary>
    [Fact]
    public void BatchesAcrossMaxBatchGiveTheStatesOfSmallBatches()
    {
        using var model = LlamaModel.Load(SharedData.PathOf("models", "stories260K.gguf"), new ModelLoadOptions { Threads = 2, ContextLength = 512 });
        int dim = model.Gguf.Config.EmbeddingLength, n = CpuContext.MaxBatch + 44;
        int[] tokens = new Random(4).GetItems(Enumerable.Range(0, model.Gguf.Config.VocabSize).ToArray(), n);
        var whole = new float[n * dim];
        var pieces = new float[n * dim];
        var ctx = model.Rent();
        ctx.EvaluateHiddenStates(tokens, 0, whole);
        for (int done = 0; done < n; done += 7)
        {
            int count = Math.Min(7, n - done);
            ctx.EvaluateHiddenStates(tokens.AsSpan(done, count), done, pieces.AsSpan(done * dim, count * dim));
        }
        model.Return(ctx);

        double worst = whole.Select((x, i) => (double)Math.Abs(x - pieces[i])).Max();
        output.WriteLine($"worst difference {worst:E2}");
        Assert.True(worst <= 1e-4, $"States of one call and of calls of 7 tokens differ by {worst:E2}.");
        // Not a vacuous match: the states differ from token to token.
        Assert.NotEqual(whole.AsSpan(0, dim).ToArray(), whole.AsSpan((n - 1) * dim, dim).ToArray());
    }

    [Fact]
    public void AShortBufferIsRefusedBeforeAnyWork()
    {
        using var model = LlamaModel.Load(SharedData.PathOf("models", "stories260K.gguf"), new ModelLoadOptions { Threads = 2, ContextLength = 16 });
        var ctx = model.Rent();
        var e = Assert.Throws<ArgumentException>(() => ctx.EvaluateHiddenStates([1, 2, 3], 0, new float[3 * model.Gguf.Config.EmbeddingLength - 1]));
        Assert.Equal("hiddenStates", e.ParamName);
        model.Return(ctx);
    }

    private static string ModelPath(string name, TempDirectory dir)
    {
        if (name != "gemma2 reference") return SharedData.PathOf("models", name + ".gguf");
        // Gemma 2's final soft-cap applies to the logits only, never to the state.
        var spec = new ReferenceSpec
        {
            Architecture = "gemma2", HeadDim = 32, NormAddsOne = true, GeluTanh = true, ScaleEmbedding = true, TiedEmbeddings = true,
            SandwichNorms = true, FinalLogitSoftcapping = 3,
        };
        string path = dir.PathOf("gemma2.gguf");
        ConvertedGguf.Write(ReferenceModel.Random(spec, seed: 17), path);
        return path;
    }
}
