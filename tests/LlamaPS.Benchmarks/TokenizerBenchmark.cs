using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Benchmarks;

/// <summary>
/// Tokenizes about <see cref="BenchmarkOptions.Megabytes"/> MB of text with our tokenizer and with llama.cpp's (the
/// vocabulary loaded alone through LLamaSharp), as a prompt is tokenized: special tokens parsed, no BOS, after one
/// untimed warm-up on other text. Prints milliseconds per run and whether the two engines agree on every id.
/// </summary>
internal static class TokenizerBenchmark
{
    public static int Run(BenchmarkOptions options)
    {
        string path = options.Tokenizer!;
        string text = options.Text is null ? GeneratedText(options.Megabytes << 20, options.Seed) : Repeat(File.ReadAllText(options.Text), options.Megabytes << 20);
        string source = options.Text is null ? $"generated words (seed {options.Seed})" : Path.GetFileName(options.Text) + " repeated";
        GgufMetadata metadata;
        using (var file = GgufFile.Open(path)) metadata = file.Metadata;
        string warmUp = File.Exists(path + ".inp") ? File.ReadAllText(path + ".inp") : "Hello world, 123 tokens!";

        var ourTimes = new double[options.Repetitions];
        int[] ours = [];
        ITokenizer tokenizer = TokenizerFactory.Create(metadata, path);
        tokenizer.Encode(warmUp, addSpecial: false, parseSpecial: true);
        for (int r = 0; r < options.Repetitions; r++)
        {
            ourTimes[r] = Time(() => ours = tokenizer.Encode(text, addSpecial: false, parseSpecial: true));
        }

        var theirTimes = new double[options.Repetitions];
        int[] theirs = [];
        using (var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { VocabOnly = true }))
        {
            weights.Tokenize(warmUp, false, true, Encoding.UTF8);
            for (int r = 0; r < options.Repetitions; r++)
            {
                theirTimes[r] = Time(() => theirs = weights.Tokenize(text, false, true, Encoding.UTF8).Select(t => (int)t).ToArray());
            }
        }

        double megabytes = Encoding.UTF8.GetByteCount(text) / 1e6;
        Console.WriteLine($"{Path.GetFileName(path)}: {megabytes:F2} MB (UTF-8) of {source}; median of {options.Repetitions} runs.");
        Console.WriteLine();
        Console.WriteLine("| engine | tokens | ms | MB/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        void Row(string engine, int tokens, double[] ms) =>
            Console.WriteLine($"| {engine} | {tokens} | {Median(ms):F0} | {megabytes / (Median(ms) / 1000):F1} |");
        Row("LlamaPS", ours.Length, ourTimes);
        Row("llama.cpp", theirs.Length, theirTimes);
        Console.WriteLine();
        int differ = Enumerable.Range(0, Math.Min(ours.Length, theirs.Length)).FirstOrDefault(i => ours[i] != theirs[i], -1);
        if (differ < 0 && ours.Length == theirs.Length)
        {
            Console.WriteLine("The ids agree.");
            return 0;
        }
        if (differ < 0) differ = Math.Min(ours.Length, theirs.Length);
        // Where in the text: the length of what the agreeing ids decode to (exact for lossless vocabularies).
        int at = TokenTextDecoder.Decode(tokenizer, ours.AsSpan(0, differ), renderSpecial: true).Length;
        string Ids(int[] ids) => string.Join(' ', ids.Skip(differ).Take(8));
        string near = text.Substring(Math.Min(at, text.Length), Math.Min(24, text.Length - Math.Min(at, text.Length)));
        string escaped = string.Concat(near.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
        Console.WriteLine($"The ids differ, first at token {differ}, near text offset {at}: " +
            $"\"{escaped}\"; LlamaPS {Ids(ours)}; llama.cpp {Ids(theirs)}.");
        return 1;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Repeat(string text, int chars)
    {
        if (text.Length == 0) throw new ArgumentException("The --text file is empty.");
        var builder = new StringBuilder(chars + text.Length);
        while (builder.Length < chars) builder.Append(text);
        return builder.ToString(0, chars);
    }

    /// <summary>
    /// Lines of pseudo-random words (random letters, so few repeat and a word cache barely helps): mostly lowercase
    /// Latin, some capitalized, numbers, punctuation, Cyrillic, CJK and emoji, the mix of a multilingual prompt.
    /// </summary>
    private static string GeneratedText(int chars, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(chars + 64);
        string Letters(char first, int count, int length)
        {
            var word = new char[length];
            for (int i = 0; i < length; i++) word[i] = (char)(first + random.Next(count));
            return new string(word);
        }
        while (text.Length < chars)
        {
            int kind = random.Next(100);
            text.Append(kind switch
            {
                < 78 => Letters('a', 26, random.Next(1, 10)),
                < 85 => Letters('A', 26, 1) + Letters('a', 26, random.Next(1, 9)),
                < 90 => random.Next(1_000_000).ToString(),
                < 94 => Letters('а', 32, random.Next(2, 9)),
                < 97 => Letters('一', 2000, random.Next(1, 4)),
                _ => char.ConvertFromUtf32(0x1F600 + random.Next(80)),
            });
            if (random.Next(10) == 0) text.Append(",.!?;:"[random.Next(6)]);
            text.Append(random.Next(16) == 0 ? "\n" : " ");
        }
        return text.ToString(0, chars);
    }
}
