using System.Text;
using LlamaPS.Engine.Templates;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// A conversation with a chat model that keeps its KV cache between turns. The session rents one context from the
/// model for its whole life. Each turn renders the whole conversation with the user's new message through the chat
/// template, with the assistant's turn opened, tokenizes it with special tokens parsed, and evaluates only what
/// follows the prefix the cache already holds: the new turn, and from the first token that differs when the
/// template renders earlier text differently (a reply re-tokenized, an earlier turn rewritten once more follow). It
/// then generates the reply, which ends at the model's end-of-turn tokens, and appends both messages.
/// <para>
/// A turn that fails before generating (the conversation no longer fits the context, the template refuses it) leaves
/// the conversation as it was; nothing is dropped to make room, so a conversation that has outgrown the context goes
/// on in a new session given fewer messages. A turn whose prompt was evaluated keeps its reply, even an empty or a
/// cancelled one.
/// One turn runs at a time. <see cref="Dispose"/> gives the context back to the model.
/// </para>
/// </summary>
public sealed class ChatSession : IDisposable
{
    private readonly object _gate = new();
    private readonly List<ChatMessage> _messages;
    private readonly string? _givenTemplate;
    private readonly IInferenceContext _rented;
    private readonly CachedSequence _sequence;
    private bool _busy;
    private bool _disposed;

    /// <summary>
    /// A session over <paramref name="model"/>, its conversation starting with <paramref name="messages"/> (a system
    /// message first, earlier turns). <paramref name="template"/> is a chat template's source to use instead of the
    /// model's; <paramref name="options"/> are the defaults of every turn. Throws InvalidOperationException when
    /// neither the model nor the caller gives a template, <see cref="TemplateException"/> when it does not parse,
    /// ArgumentException for invalid options.
    /// </summary>
    public ChatSession(LlamaModel model, IEnumerable<ChatMessage>? messages = null, string? template = null, GenerationOptions? options = null)
        : this(model, messages, template, options, static context => context)
    {
    }

    /// <summary>As the public constructor; the session evaluates through <paramref name="observe"/>(its rented context), so tests can count evaluations.</summary>
    internal ChatSession(LlamaModel model, IEnumerable<ChatMessage>? messages, string? template, GenerationOptions? options, Func<IInferenceContext, IInferenceContext> observe)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _givenTemplate = template;
        Template = template is null
            ? model.ChatTemplate ?? throw new InvalidOperationException($"The model {model.Name} has no chat template ({ChatTemplate.MetadataKey}); give one.")
            : ChatTemplate.ForVocabulary(template, model.Tokenizer.Vocabulary);
        // Parsed now, so a template that cannot be rendered fails here rather than at the first turn.
        _ = Template.Template;
        Options = options ?? new GenerationOptions();
        Options.Validate();
        _messages = messages?.ToList() ?? [];
        if (_messages.Any(m => m is null)) throw new ArgumentException("A message is null.", nameof(messages));
        _rented = model.Rent();
        _sequence = new CachedSequence(observe(_rented));
    }

    public LlamaModel Model { get; }

    /// <summary>The template turns are rendered with: the model's, or the one given.</summary>
    public ChatTemplate Template { get; }

    /// <summary>Each turn's generation options unless the turn gives its own.</summary>
    public GenerationOptions Options { get; }

    /// <summary>The conversation so far, in order (a copy).</summary>
    public IReadOnlyList<ChatMessage> Messages
    {
        get { lock (_gate) return _messages.ToArray(); }
    }

    /// <summary>Tokens in the context's KV cache: what the next turn may reuse.</summary>
    public int CachedTokens => _sequence.Length;

    public int ContextLength => _sequence.Context.ContextLength;

    /// <summary>Counts and timings of the last turn that generated; null before the first.</summary>
    public GenerationStats? LastStats { get; private set; }

    public bool IsDisposed
    {
        get { lock (_gate) return _disposed; }
    }

    /// <summary>
    /// Sends <paramref name="message"/> as the user's turn and yields the reply's pieces as they are generated. The
    /// turn runs while the result is enumerated; when the enumeration ends (the reply ends, cancellation, or the
    /// caller stops early) the user's message and the reply so far join <see cref="Messages"/>. Enumerating throws
    /// <see cref="ChatSessionBusyException"/> while another turn runs, ObjectDisposedException after
    /// <see cref="Dispose"/> or the model's, <see cref="ContextLengthExceededException"/> when the conversation does
    /// not fit the context, <see cref="TemplateException"/> when the template fails, OperationCanceledException when
    /// cancelled before the prompt was evaluated.
    /// </summary>
    public IEnumerable<string> Send(string message, GenerationOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Turn(new ChatMessage(ChatMessage.UserRole, message), options ?? Options, cancellation);
    }

    private IEnumerable<string> Turn(ChatMessage user, GenerationOptions options, CancellationToken cancellation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_busy) throw new ChatSessionBusyException();
            _busy = true;
        }
        var generator = new TextGenerator(Model);
        var reply = new StringBuilder();
        bool generating = false;
        try
        {
            if (Model.IsDisposed) throw new ObjectDisposedException(Model.Name, $"The model {Model.Name} was disposed; load it again and start a new chat.");
            string prompt = ChatPrompt.Format(Template, Model.Tokenizer.Vocabulary, [.. Messages, user]);
            int[] ids = Model.Tokenizer.Encode(prompt, addSpecial: true, parseSpecial: true);
            using var pieces = generator.Generate(_sequence, ids, options, cancellation).GetEnumerator();
            while (true)
            {
                // The first step evaluates the prompt; once it returns, the turn has happened.
                bool more = pieces.MoveNext();
                generating = true;
                if (!more) break;
                reply.Append(pieces.Current);
                yield return pieces.Current;
            }
        }
        finally
        {
            bool giveBack;
            lock (_gate)
            {
                if (generating)
                {
                    _messages.Add(user);
                    _messages.Add(new ChatMessage(ChatMessage.AssistantRole, reply.ToString()));
                    LastStats = generator.Stats;
                }
                _busy = false;
                giveBack = _disposed;
            }
            // Disposed during the turn: the context was still in use then.
            if (giveBack) Model.Return(_rented);
        }
    }

    /// <summary>What <see cref="ChatTranscript.Save"/> writes: the model's path, the given template, the options and the messages.</summary>
    public ChatTranscript ToTranscript() => new()
    {
        Model = Model.Path,
        Template = _givenTemplate,
        Options = Options,
        Messages = Messages,
    };

    /// <summary>Gives the context back to the model; a turn still running gives it back when it ends.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_busy) return;
        }
        Model.Return(_rented);
    }
}
