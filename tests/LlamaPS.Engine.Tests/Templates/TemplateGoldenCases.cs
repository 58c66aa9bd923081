using System.Collections.Concurrent;
using System.Text.Json;

namespace LlamaPS.Engine.Tests.Templates;

/// <summary>
/// ../shared/templates: real chat templates (*.jinja), conversations (cases.json) and, in expected.json, what
/// Python's jinja2 rendered for each template and conversation with Hugging Face's settings, or the error it raised.
/// </summary>
public static class TemplateGoldenCases
{
    private static readonly ConcurrentDictionary<string, JsonDocument> Documents = new();

    /// <summary>One expected result: the output, or the Python error type and message.</summary>
    public sealed record Expected(bool AddGenerationPrompt, string BosToken, string EosToken, string? Output, string? Error, string? ErrorType);

    /// <summary>
    /// Theory rows (template file, case id), one per pair in expected.json. Without ../shared at discovery one row
    /// with empty names stands for them all, so the test runs and skips or fails with the reason.
    /// </summary>
    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        string? path = SharedData.TryPathOf("templates", "expected.json");
        if (path is null)
        {
            rows.Add("", "");
            return rows;
        }
        foreach (var template in Load(path).RootElement.EnumerateObject())
        {
            foreach (var testCase in template.Value.EnumerateObject()) rows.Add(template.Name, testCase.Name);
        }
        return rows;
    }

    public static string TemplateSource(string templateFile) => File.ReadAllText(SharedData.PathOf("templates", templateFile));

    /// <summary>The conversation of a case: its messages and tools as parsed JSON (key order as in the file).</summary>
    public static (JsonElement Messages, JsonElement? Tools) Conversation(string caseId)
    {
        var testCase = Load(SharedData.PathOf("templates", "cases.json")).RootElement.GetProperty(caseId);
        return (testCase.GetProperty("messages"), testCase.TryGetProperty("tools", out var tools) ? tools : null);
    }

    public static Expected Result(string templateFile, string caseId)
    {
        var record = Load(SharedData.PathOf("templates", "expected.json")).RootElement.GetProperty(templateFile).GetProperty(caseId);
        string? Text(string name) => record.TryGetProperty(name, out var value) ? value.GetString() : null;
        return new Expected(record.GetProperty("add_generation_prompt").GetBoolean(), Text("bos_token")!, Text("eos_token")!,
            Text("output"), Text("error"), Text("error_type"));
    }

    private static JsonDocument Load(string path) => Documents.GetOrAdd(path, p => JsonDocument.Parse(File.ReadAllBytes(p)));
}
