using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Sampling;
using LlamaPS.Engine.Templates;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>
/// Chat sessions on stories260K given a chat template: each turn evaluates only what its context's cache does not
/// hold yet, and replies exactly as a fresh context given the whole rendered conversation does.
/// </summary>
public sealed class ChatSessionTests : IDisposable
{
    /// <summary>Turn markers as plain text, each turn closed by stories260K's &lt;/s&gt; (its EOS token, so a special one).</summary>
    private const string Template =
        "{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>{{ m.content }}</s>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

    private static readonly GenerationOptions Greedy = new() { MaxTokens = 12, Sampling = SamplingOptions.Greedy };

    private readonly ChatModelFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static LlamaModel Load(string path, int contextLength = 0) =>
        LlamaModel.Load(path, new ModelLoadOptions { Threads = 2, ContextLength = contextLength });

    /// <summary>A session whose evaluations are recorded.</summary>
    private static ChatSession Recorded(LlamaModel model, out RecordingContext context, IEnumerable<ChatMessage>? messages = null, string? template = null)
    {
        RecordingContext? recording = null;
        var chat = new ChatSession(model, messages, template, Greedy, c => recording = new RecordingContext(c));
        context = recording!;
        return chat;
    }

    private static int[] Tokens(ChatSession chat, IEnumerable<ChatMessage> conversation) =>
        chat.Model.Tokenizer.Encode(ChatPrompt.Format(chat.Template, chat.Model.Tokenizer.Vocabulary, conversation), addSpecial: true, parseSpecial: true);

    /// <summary>What a fresh context generates for the conversation's rendered text.</summary>
    private static string Fresh(ChatSession chat, IEnumerable<ChatMessage> conversation) =>
        string.Concat(new TextGenerator(chat.Model).Generate(ChatPrompt.Format(chat.Template, chat.Model.Tokenizer.Vocabulary, conversation), Greedy));

    private static int CommonPrefix(int[] a, int[] b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return i;
    }

    private static ChatMessage User(string text) => new(ChatMessage.UserRole, text);

    [Fact]
    public void ASecondTurn_EvaluatesOnlyWhatFollowsTheCachedPrefix_AndRepliesAsAFreshContext()
    {
        using var model = Load(_files.Write(Template));
        using var chat = Recorded(model, out var context, [new(ChatMessage.SystemRole, "Tell a story.")]);

        string first = string.Concat(chat.Send("Once upon a time"));
        var turn1 = chat.Messages.SkipLast(1).ToArray();
        int[] prompt1 = Tokens(chat, turn1);
        Assert.Equal(0, context.Evaluations[0].Start);
        Assert.Equal(prompt1, context.Evaluations[0].Tokens);
        Assert.Equal(Fresh(chat, turn1), first);
        Assert.Equal([ChatMessage.SystemRole, ChatMessage.UserRole, ChatMessage.AssistantRole], chat.Messages.Select(m => m.Role));
        Assert.Equal(first, chat.Messages[^1].Content);

        int[] cached = context.Cache;
        Assert.Equal(cached.Length, chat.CachedTokens);
        context.Evaluations.Clear();
        string second = string.Concat(chat.Send("Then the dog ran away."));
        var turn2 = chat.Messages.SkipLast(1).ToArray();
        int[] prompt2 = Tokens(chat, turn2);
        int reused = CommonPrefix(cached, prompt2);

        // The first turn's prompt and its reply stay cached; only the rest of the conversation is evaluated, in one
        // batch, then one token per generated token.
        Assert.True(reused > prompt1.Length, $"{reused} tokens reused; the first prompt alone has {prompt1.Length}.");
        Assert.Equal(reused, context.Evaluations[0].Start);
        Assert.Equal(prompt2[reused..], context.Evaluations[0].Tokens);
        Assert.All(context.Evaluations.Skip(1), e => Assert.Single(e.Tokens));
        Assert.Equal(prompt2.Length, chat.LastStats!.PromptTokens);
        Assert.Equal(reused, chat.LastStats.CachedTokens);
        Assert.Equal(Fresh(chat, turn2), second);
    }

    [Fact]
    public void ATemplateThatRendersEarlierTurnsDifferently_IsEvaluatedAgainFromTheFirstDifference()
    {
        // The last message is marked; once another follows, the mark moves and the earlier turn renders without it.
        using var model = Load(_files.Write("{% for m in messages %}{{ m.role }}{% if loop.last %}!{% endif %}: {{ m.content }}</s>{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}"));
        using var chat = Recorded(model, out var context);

        _ = string.Concat(chat.Send("Once upon a time"));
        int[] cached = context.Cache;
        context.Evaluations.Clear();
        string second = string.Concat(chat.Send("The end."));
        var turn2 = chat.Messages.SkipLast(1).ToArray();
        int[] prompt2 = Tokens(chat, turn2);
        int reused = CommonPrefix(cached, prompt2);

        Assert.InRange(reused, 1, Tokens(chat, turn2[..1]).Length - 1);
        Assert.Equal(reused, context.Evaluations[0].Start);
        Assert.Equal(prompt2[reused..], context.Evaluations[0].Tokens);
        Assert.Equal(Fresh(chat, turn2), second);
    }

    [Fact]
    public void ASessionFromATranscript_EvaluatesTheWholeConversationOnItsFirstTurn_AndRepliesAsTheOriginal()
    {
        using var model = Load(_files.Write(Template));
        using var original = new ChatSession(model, [new(ChatMessage.SystemRole, "Tell a story.")], options: Greedy);
        _ = string.Concat(original.Send("Once upon a time"));
        _ = string.Concat(original.Send("Lily and Tom went to the park."));

        var transcript = ChatTranscript.FromJson(original.ToTranscript().ToJson(), "test");
        using var restored = Recorded(model, out var context, transcript.Messages, transcript.Template);
        Assert.Equal(original.Messages, restored.Messages);
        Assert.Equal(0, restored.CachedTokens);

        string reply = string.Concat(restored.Send("What happened next?"));
        Assert.Equal(string.Concat(original.Send("What happened next?")), reply);
        Assert.Equal(0, context.Evaluations[0].Start);
        Assert.Equal(Tokens(restored, restored.Messages.SkipLast(1)), context.Evaluations[0].Tokens);
    }

    [Fact]
    public void ATranscript_RoundTripsThroughJson()
    {
        var transcript = new ChatTranscript
        {
            Model = "/models/chat.gguf",
            Template = "{{ messages[0].content }}",
            Options = new GenerationOptions
            {
                MaxTokens = 7,
                Stop = ["\n", "The end"],
                Sampling = new SamplingOptions { Temperature = 0.5f, TopK = 3, TopP = 0.9f, MinP = 0.1f, RepeatPenalty = 1.1f, RepeatLastN = 5, Seed = 42 },
            },
            Messages = [new(ChatMessage.SystemRole, "Be \"brief\".\n"), User("Hi ✓"), new(ChatMessage.AssistantRole, "")],
        };
        string json = transcript.ToJson();
        Assert.Contains("\"messages\"", json);
        Assert.Contains("\"role\": \"system\"", json);

        var back = ChatTranscript.FromJson(json, "test");
        Assert.Equal(transcript.Model, back.Model);
        Assert.Equal(transcript.Template, back.Template);
        Assert.Equal(transcript.Options.MaxTokens, back.Options.MaxTokens);
        Assert.Equal(transcript.Options.Stop, back.Options.Stop);
        Assert.Equal(transcript.Options.Sampling, back.Options.Sampling);
        Assert.Equal(transcript.Messages, back.Messages);
    }

    [Theory]
    [InlineData("not json", "is not a saved chat")]
    [InlineData("null", "holds null")]
    [InlineData("""{ "version": 2, "messages": [] }""", "version 2; this LlamaPS reads version 1")]
    [InlineData("""{ "version": 1, "messages": [ { "content": "Hi" } ] }""", "is not a saved chat")]
    [InlineData("""{ "version": 1, "messages": [ null ] }""", "messages are missing or hold null")]
    [InlineData("""{ "version": 1, "messages": [], "options": { "maxTokens": -1 } }""", "MaxTokens must not be negative")]
    [InlineData("""{ "version": 1, "messages": [], "options": { "sampling": { "topP": 0 } } }""", "TopP must be in (0, 1]")]
    public void ATranscriptThatIsNotOne_IsRefusedNamingItsSource(string json, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => ChatTranscript.FromJson(json, "saved.json"));
        Assert.StartsWith("saved.json ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void AConversationThatOutgrowsTheContext_IsRefused_AndTheSessionGoesOn()
    {
        using var model = Load(_files.Write(Template), contextLength: 96);
        using var chat = Recorded(model, out var context);
        string first = string.Concat(chat.Send("Once upon a time"));
        var before = chat.Messages;

        var e = Assert.Throws<ContextLengthExceededException>(() => string.Concat(chat.Send(string.Concat(Enumerable.Repeat("Lily went to the park. ", 10)))));
        Assert.Equal(96, e.ContextLength);
        Assert.Equal(before, chat.Messages);

        context.Evaluations.Clear();
        string reply = string.Concat(chat.Send("Hi"));
        Assert.Equal(4, chat.Messages.Count);
        Assert.True(context.Evaluations[0].Start > 0, "The cache survives the refused turn.");
        Assert.Equal(Fresh(chat, chat.Messages.SkipLast(1)), reply);
    }

    [Fact]
    public void OneTurnRunsAtATime()
    {
        using var model = Load(_files.Write(Template));
        using var chat = new ChatSession(model, options: Greedy);
        using (var running = chat.Send("Once upon a time").GetEnumerator())
        {
            Assert.True(running.MoveNext());
            Assert.Throws<ChatSessionBusyException>(() => chat.Send("Hi").GetEnumerator().MoveNext());
        }
        // Stopping early ends the turn, keeping the reply so far.
        Assert.Equal(StopReason.Cancelled, chat.LastStats!.StopReason);
        Assert.Equal(2, chat.Messages.Count);
        Assert.NotEmpty(chat.Messages[1].Content);
        _ = string.Concat(chat.Send("Hi"));
        Assert.Equal(4, chat.Messages.Count);
    }

    [Fact]
    public void ACancelledTurn_KeepsTheReplySoFar()
    {
        using var model = Load(_files.Write(Template));
        using var chat = new ChatSession(model, options: Greedy with { MaxTokens = 100 });
        using var cts = new CancellationTokenSource();
        var pieces = new List<string>();
        foreach (string piece in chat.Send("Once upon a time", cancellation: cts.Token))
        {
            pieces.Add(piece);
            if (pieces.Count == 3) cts.Cancel();
        }
        Assert.Equal(StopReason.Cancelled, chat.LastStats!.StopReason);
        Assert.Equal(string.Concat(pieces), chat.Messages[^1].Content);

        Assert.Throws<OperationCanceledException>(() => string.Concat(chat.Send("Hi", cancellation: cts.Token)));
        Assert.Equal(2, chat.Messages.Count);
    }

    [Fact]
    public void TheReplyEndsAtAnEndOfTurnToken()
    {
        // A token new at its step of a first reply is named the end of turn in a copy of the model.
        int[] generated;
        string full;
        using (var plain = Load(_files.Write(Template)))
        {
            using var probe = Recorded(plain, out var context);
            full = string.Concat(probe.Send("Once upon a time"));
            generated = context.Evaluations.Skip(1).Select(e => e.Tokens[0]).ToArray();
        }
        int step = Enumerable.Range(2, generated.Length - 2).First(i => !generated[..i].Contains(generated[i]));
        using var model = Load(_files.Write(Template, ("tokenizer.ggml.eot_token_id", (uint)generated[step])));
        using var chat = new ChatSession(model, options: Greedy);

        string reply = string.Concat(chat.Send("Once upon a time"));
        Assert.Equal(StopReason.EndOfGeneration, chat.LastStats!.StopReason);
        Assert.Equal(step, chat.LastStats.GeneratedTokens);
        Assert.StartsWith(reply, full);
        Assert.Equal(reply, chat.Messages[^1].Content);
    }

    [Fact]
    public void AModelWithoutATemplate_IsRefusedUnlessOneIsGiven()
    {
        using var stories = Load(SharedData.PathOf("models", "stories260K.gguf"));
        var e = Assert.Throws<InvalidOperationException>(() => new ChatSession(stories));
        Assert.Contains(ChatTemplate.MetadataKey, e.Message);

        using var chat = new ChatSession(stories, template: Template, options: Greedy);
        Assert.Equal("<s>", chat.Template.BosToken);
        Assert.NotEmpty(string.Concat(chat.Send("Once upon a time")));
        Assert.Equal(Template, chat.ToTranscript().Template);
    }

    [Fact]
    public void ATemplateThatFails_LeavesTheConversationAsItWas()
    {
        using var model = Load(_files.Write(Template));
        var parse = Assert.Throws<TemplateException>(() => new ChatSession(model, template: "{% for %}"));
        Assert.True(parse.IsCompileError);

        using var chat = new ChatSession(model, template: "{% if messages | length > 2 %}{{ raise_exception('Only one question.') }}{% endif %}{{ messages[-1].content }}", options: Greedy);
        _ = string.Concat(chat.Send("Once upon a time"));
        var e = Assert.Throws<TemplateException>(() => string.Concat(chat.Send("And then?")));
        Assert.Equal("Only one question.", e.Message);
        Assert.Equal(2, chat.Messages.Count);
    }

    [Fact]
    public void Dispose_GivesTheContextBack_AndEndsTheSession()
    {
        using var model = Load(_files.Write(Template));
        IInferenceContext? rented = null;
        var chat = new ChatSession(model, null, null, Greedy, c => rented = c);
        chat.Dispose();
        Assert.True(chat.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => string.Concat(chat.Send("Hi")));
        var context = model.Rent();
        Assert.Same(rented, context);
        model.Return(context);
    }
}
