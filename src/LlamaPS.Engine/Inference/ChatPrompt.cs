using LlamaPS.Engine.Templates;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// Turns a plain prompt into what a chat model was trained on: one user turn (after an optional system turn) rendered
/// with the model's chat template, with the assistant's turn opened (add_generation_prompt), as llama.cpp's chat
/// mode does. The result is meant to be tokenized with special tokens parsed, so the turn markers the template
/// writes (&lt;|im_start|&gt;, [INST], ...) become their tokens.
/// </summary>
public static class ChatPrompt
{
    /// <summary>
    /// The prompt text for <paramref name="user"/>. Tokenizing adds the BOS (and EOS) the vocabulary asks for, so a
    /// BOS text the template writes at the start (and an EOS text at the end) is dropped, as llama.cpp does, to
    /// avoid doubling them. Throws InvalidOperationException for a model without a chat template and
    /// <see cref="TemplateException"/> when the template fails.
    /// </summary>
    public static string Format(LlamaModel model, string user, string? system = null, TemplateRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(user);
        var template = model.ChatTemplate
            ?? throw new InvalidOperationException($"The model {model.Name} has no chat template ({ChatTemplate.MetadataKey}).");
        var messages = new List<object?>();
        if (system is not null) messages.Add(Message("system", system));
        messages.Add(Message("user", user));
        string text = template.Render(messages, addGenerationPrompt: true, options: options);

        var vocabulary = model.Tokenizer.Vocabulary;
        if (vocabulary.AddBos && template.BosToken.Length > 0 && text.StartsWith(template.BosToken, StringComparison.Ordinal))
            text = text[template.BosToken.Length..];
        if (vocabulary.AddEos && template.EosToken.Length > 0 && text.EndsWith(template.EosToken, StringComparison.Ordinal))
            text = text[..^template.EosToken.Length];
        return text;
    }

    private static Dictionary<string, object?> Message(string role, string content) => new() { ["role"] = role, ["content"] = content };
}
