using System.Text.Json;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// What a chat session saves, as JSON: the path of its model, the template given instead of the model's own (null
/// when it uses the model's), its generation options, and its messages, the system message among them. The KV cache
/// is not saved: a session made from a transcript evaluates the conversation again on its first turn.
/// </summary>
public sealed record ChatTranscript
{
    /// <summary>The format of the file; a file of another version is refused rather than misread.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        WriteIndented = true,
    };

    public int Version { get; init; } = CurrentVersion;
    public string? Model { get; init; }
    public string? Template { get; init; }
    public GenerationOptions Options { get; init; } = new();
    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the transcript to a file, replacing it. Throws IOException or UnauthorizedAccessException.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>
    /// A transcript read from JSON; <paramref name="source"/> names it in errors. Throws InvalidDataException for
    /// JSON that is not a transcript of this version, or whose messages or options are invalid.
    /// </summary>
    public static ChatTranscript FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ChatTranscript? transcript;
        try
        {
            transcript = JsonSerializer.Deserialize<ChatTranscript>(json, Json);
        }
        // A message without a role reaches ChatMessage's constructor, which throws ArgumentException.
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{source} is not a saved chat: {e.Message}", e);
        }
        if (transcript is null) throw new InvalidDataException($"{source} is not a saved chat: it holds null.");
        if (transcript.Version != CurrentVersion)
            throw new InvalidDataException($"{source} is a saved chat of version {transcript.Version}; this LlamaPS reads version {CurrentVersion}.");
        if (transcript.Messages is null || transcript.Messages.Any(m => m is null))
            throw new InvalidDataException($"{source} is not a saved chat: its messages are missing or hold null.");
        try
        {
            if (transcript.Options is null) throw new ArgumentException("The options are missing.");
            transcript.Options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source} holds invalid options: {e.Message}", e);
        }
        return transcript;
    }

    /// <summary>Reads a transcript file. Throws FileNotFoundException, IOException, or InvalidDataException as <see cref="FromJson"/>.</summary>
    public static ChatTranscript Load(string path) => FromJson(File.ReadAllText(path), path);
}
