namespace LlamaPS.Engine.Inference;

/// <summary>One turn of a conversation: who speaks (system, user, assistant, ...) and what they say.</summary>
public sealed record ChatMessage
{
    public ChatMessage(string role, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentNullException.ThrowIfNull(content);
        Role = role;
        Content = content;
    }

    public string Role { get; }
    public string Content { get; }

    public const string SystemRole = "system";
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";
}
