using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Sampling;
using LlamaPS.Engine.Templates;
using LlamaPS.Engine.Tests.Golden;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>A model's chat template wraps a prompt, its special tokens are parsed, and end-of-turn tokens end generation.</summary>
public sealed class ChatPromptTests : IDisposable
{
    /// <summary>A template in the style of real ones: BOS first, turn markers, and stories260K's &lt;/s&gt; closing each turn.</summary>
    private const string Template =
        "{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>{{ m.content }}</s>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

    private readonly ChatModelFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static LlamaModel Load(string path) => LlamaModel.Load(path, new ModelLoadOptions { Threads = 2 });

    [Fact]
    public void AModel_CarriesItsTemplateWithItsBosAndEosTexts_ABaseModelNone()
    {
        using var chat = Load(_files.Write(Template));
        Assert.Equal(Template, chat.ChatTemplate!.Source);
        Assert.Equal("<s>", chat.ChatTemplate.BosToken);
        Assert.Equal("</s>", chat.ChatTemplate.EosToken);

        using var stories = Load(SharedData.PathOf("models", "stories260K.gguf"));
        Assert.Null(stories.ChatTemplate);
        Assert.Throws<InvalidOperationException>(() => ChatPrompt.Format(stories, "Hi"));
    }

    [Fact]
    public void Format_WrapsTheUserTurnAfterAnOptionalSystemTurn_LeavingTheBosToTheTokenizer()
    {
        using var model = Load(_files.Write(Template));

        Assert.Equal("<|user|>Once upon a time</s><|assistant|>", ChatPrompt.Format(model, "Once upon a time"));
        string text = ChatPrompt.Format(model, "Once upon a time", system: "Tell a story.");
        Assert.Equal("<|system|>Tell a story.</s><|user|>Once upon a time</s><|assistant|>", text);

        // Tokenized as generation does it: one BOS in front, and each </s> the template wrote is the EOS token.
        int[] ids = model.Tokenizer.Encode(text, addSpecial: true, parseSpecial: true);
        var vocabulary = model.Tokenizer.Vocabulary;
        Assert.Equal(vocabulary.BosId, ids[0]);
        Assert.Single(ids, id => id == vocabulary.BosId);
        Assert.Equal(2, ids.Count(id => id == vocabulary.EosId));
    }

    [Fact]
    public void Format_KeepsTheTemplatesBos_WhenTheVocabularyAddsNone()
    {
        using var model = Load(_files.Write(Template, ("tokenizer.ggml.add_bos_token", false)));
        Assert.Equal("<s><|user|>Hi</s><|assistant|>", ChatPrompt.Format(model, "Hi"));
    }

    [Fact]
    public void Format_ReportsTheTemplatesOwnError()
    {
        using var model = Load(_files.Write("{% if messages[0].role == 'user' %}{{ raise_exception('A system message is required.') }}{% endif %}"));
        var e = Assert.Throws<TemplateException>(() => ChatPrompt.Format(model, "Hi"));
        Assert.Equal(TemplateErrorKind.TemplateError, e.Kind);
        Assert.Equal("A system message is required.", e.Message);
        Assert.Equal("", ChatPrompt.Format(model, "Hi", system: "You are nice."));
    }

    /// <summary>The token stories260K would greedily generate after 'Once upon a time' at a step where it is new.</summary>
    private static (int Id, int Step) FreshGreedyToken(int step)
    {
        var golden = GoldenRun.Load("stories260K", "p1");
        while (golden.GenIds[..step].Contains(golden.GenIds[step])) step++;
        return (golden.GenIds[step], step);
    }

    [Fact]
    public void Generation_StopsAtTheEndOfTurnTokenTheMetadataNames()
    {
        var (id, step) = FreshGreedyToken(3);
        using var model = Load(_files.Write(Template, ("tokenizer.ggml.eot_token_id", (uint)id)));
        Assert.Contains(id, model.Tokenizer.Vocabulary.EndOfGenerationIds);

        var generator = new TextGenerator(model);
        string text = string.Concat(generator.Generate("Once upon a time", new GenerationOptions { MaxTokens = 32, Sampling = SamplingOptions.Greedy }));

        Assert.Equal(StopReason.EndOfGeneration, generator.Stats!.StopReason);
        Assert.Equal(step, generator.Stats.GeneratedTokens);
        Assert.Equal(string.Concat(GoldenRun.Load("stories260K", "p1").Pieces[..step]), text);
    }

    [Fact]
    public void Generation_StopsAtAnEndOfTurnTokenTheVocabularyKnowsByItsText()
    {
        // The token stories260K generates at that step is renamed <|im_end|>, which llama.cpp treats as end of turn.
        var (id, step) = FreshGreedyToken(5);
        string[] tokens = ChatModelFiles.StoriesTokens();
        tokens[id] = "<|im_end|>";
        using var model = Load(_files.Write("{% for m in messages %}{{ m.content }}<|im_end|>{% endfor %}", ("tokenizer.ggml.tokens", tokens)));

        var generator = new TextGenerator(model);
        _ = string.Concat(generator.Generate("Once upon a time", new GenerationOptions { MaxTokens = 32, Sampling = SamplingOptions.Greedy }));

        Assert.Equal(StopReason.EndOfGeneration, generator.Stats!.StopReason);
        Assert.Equal(step, generator.Stats.GeneratedTokens);
        // And in a prompt the template's <|im_end|> is that token, not its spelled-out text.
        Assert.Contains(id, model.Tokenizer.Encode(ChatPrompt.Format(model, "Hi"), addSpecial: true, parseSpecial: true));
    }
}
