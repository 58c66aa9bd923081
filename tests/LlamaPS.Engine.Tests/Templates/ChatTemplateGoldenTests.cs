using LlamaPS.Engine.Templates;

namespace LlamaPS.Engine.Tests.Templates;

/// <summary>
/// Every real template in ../shared/templates on every conversation renders byte for byte what Python's jinja2
/// rendered with Hugging Face's apply_chat_template settings, or fails with the same error type and message.
/// </summary>
public class ChatTemplateGoldenTests
{
    /// <summary>The clock of the golden renders (README.txt): strftime_now saw 2026-01-15 00:00:00.</summary>
    private static readonly TemplateRenderOptions GoldenClock = new() { Now = () => new DateTime(2026, 1, 15, 0, 0, 0) };

    public static TheoryData<string, string> Cases => TemplateGoldenCases.Rows();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_MatchesJinja2(string templateFile, string caseId)
    {
        string source = TemplateGoldenCases.TemplateSource(templateFile);
        var expected = TemplateGoldenCases.Result(templateFile, caseId);
        var (messages, tools) = TemplateGoldenCases.Conversation(caseId);
        var template = new ChatTemplate(source, expected.BosToken, expected.EosToken);

        string Render() => template.Render(messages.EnumerateArray().Cast<object?>(), expected.AddGenerationPrompt, tools, GoldenClock);

        if (expected.Output is not null)
        {
            Assert.Equal(expected.Output, Render());
        }
        else
        {
            var e = Assert.Throws<TemplateException>(Render);
            Assert.Equal(expected.ErrorType, e.Kind.ToString());
            Assert.Equal(expected.Error, e.Message);
        }
    }
}
