using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Templates;

/// <summary>
/// A model's chat template (GGUF <c>tokenizer.chat_template</c>) with the BOS and EOS token texts it is given, rendered
/// with the variables Hugging Face's apply_chat_template passes: messages, tools (None when not given), documents
/// (None), add_generation_prompt, bos_token and eos_token. The source is parsed on first use, so a model whose
/// template cannot be parsed still loads; rendering it then fails with the parse error.
/// </summary>
public sealed class ChatTemplate
{
    public const string MetadataKey = "tokenizer.chat_template";

    private readonly Lazy<Template> _template;

    public ChatTemplate(string source, string bosToken = "", string eosToken = "")
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        BosToken = bosToken ?? "";
        EosToken = eosToken ?? "";
        _template = new Lazy<Template>(() => Template.Parse(source));
    }

    public string Source { get; }

    /// <summary>What the template sees as bos_token: the text of the model's BOS token, or "".</summary>
    public string BosToken { get; }

    /// <summary>What the template sees as eos_token: the text of the model's EOS token, or "".</summary>
    public string EosToken { get; }

    /// <summary>The parsed template; throws <see cref="TemplateException"/> when the source does not parse.</summary>
    public Template Template => _template.Value;

    /// <summary>
    /// Renders a conversation. Each message is a dictionary (role, content, and whatever else the template reads,
    /// such as tool_calls), in order; <paramref name="tools"/> is a list of tool definitions or null.
    /// Throws <see cref="TemplateException"/>, e.g. with the template's own message when it calls raise_exception.
    /// </summary>
    public string Render(IEnumerable<object?> messages, bool addGenerationPrompt, object? tools = null, TemplateRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = messages.ToList(),
            ["tools"] = tools,
            ["documents"] = null,
            ["add_generation_prompt"] = addGenerationPrompt,
            ["bos_token"] = BosToken,
            ["eos_token"] = EosToken,
        };
        return Template.Render(variables, options);
    }

    /// <summary>
    /// The model's chat template with its BOS/EOS token texts (as llama.cpp passes them), or null when the metadata
    /// has none. A template key of another type is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static ChatTemplate? FromGguf(GgufMetadata metadata, Vocabulary vocabulary)
    {
        string? source = metadata.GetString(MetadataKey);
        if (string.IsNullOrEmpty(source)) return null;
        string Text(int? id) => id is int i ? vocabulary.GetText(i) : "";
        return new ChatTemplate(source, Text(vocabulary.BosId), Text(vocabulary.EosId));
    }
}
