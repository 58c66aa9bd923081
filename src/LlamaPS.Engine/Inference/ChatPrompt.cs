using LlamaPS.Engine.Templates;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// Turns a conversation into what a chat model was trained on: its turns rendered with the chat template, with the
/// assistant's turn opened (add_generation_prompt), as llama.cpp's chat mode does. The result is meant to be
/// tokenized with special tokens parsed, so the turn markers the template writes (&lt;|im_start|&gt;, [INST], ...)
/// become their tokens.
/// </summary>
public static class ChatPrompt
{
    /// <summary>
    /// The prompt text for <paramref name="user"/> as one user turn, after a system turn when <paramref name="system"/>
    /// is given. Throws InvalidOperationException for a model without a chat template and
    /// <see cref="TemplateException"/> when the template fails.
    /// </summary>
    public static string Format(LlamaModel model, string user, string? system = null, TemplateRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(user);
        var template = model.ChatTemplate
            ?? throw new InvalidOperationException($"The model {model.Name} has no chat template ({ChatTemplate.MetadataKey}).");
        var messages = new List<ChatMessage>();
        if (system is not null) messages.Add(new ChatMessage(ChatMessage.SystemRole, system));
        messages.Add(new ChatMessage(ChatMessage.UserRole, user));
        return Format(template, model.Tokenizer.Vocabulary, messages, options);
    }

    /// <summary>
    /// The prompt text for a conversation, in order. Tokenizing adds the BOS (and EOS) the vocabulary asks for, so a
    /// BOS text the template writes at the start (and an EOS text at the end) is dropped, as llama.cpp does, to avoid
    /// doubling them. Throws <see cref="TemplateException"/> when the template fails.
    /// </summary>
    public static string Format(ChatTemplate template, Vocabulary vocabulary, IEnumerable<ChatMessage> messages, TemplateRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(messages);
        var turns = messages.Select(m => (object?)new Dictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content });
        string text = template.Render(turns, addGenerationPrompt: true, options: options);

        if (vocabulary.AddBos && template.BosToken.Length > 0 && text.StartsWith(template.BosToken, StringComparison.Ordinal))
            text = text[template.BosToken.Length..];
        if (vocabulary.AddEos && template.EosToken.Length > 0 && text.EndsWith(template.EosToken, StringComparison.Ordinal))
            text = text[..^template.EosToken.Length];
        return text;
    }
}
