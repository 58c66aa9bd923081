using System.Diagnostics;
using System.Text.Json;
using LlamaPS.Engine.Templates;

namespace LlamaPS.Engine.Tests.Templates;

/// <summary>
/// The renderer on small templates, one behaviour each. Every expected output is what Python's jinja2 3.1 renders
/// with Hugging Face's settings (trim_blocks, lstrip_blocks, loopcontrols, the immutable sandbox, HF's tojson).
/// </summary>
public class TemplateTests
{
    private const string Variables = """
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
         "d": {"b": 2, "a": 1}, "s": "Hello World", "n": null}
        """;

    private static readonly TemplateRenderOptions FixedClock = new() { Now = () => new DateTime(2026, 1, 15, 0, 0, 0) };

    private static string Render(string template, string variables = Variables)
    {
        var values = JsonDocument.Parse(variables).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        return Template.Parse(template).Render(values, FixedClock);
    }

    [Theory]
    // trim_blocks drops the newline after a block tag; lstrip_blocks the indentation before one, but not before {{ }}.
    [InlineData("a\n  {% if true %}\n  b\n  {% endif %}\nc", "a\n  b\nc")]
    [InlineData("a\n  {# c #}\n  b\n {{ 1 }} {% if 1 %}x{% endif %}", "a\n  b\n 1 x")]
    // + keeps what lstrip_blocks and trim_blocks would remove; - strips all whitespace on its side.
    [InlineData("  {%+ if true %}x{% endif +%}\ny", "  x\ny")]
    [InlineData("x {%- if 1 -%} \n\n y {%- endif %}", "xy")]
    [InlineData("{{- 1 -}} \n {{- 2 }}", "12")]
    // Jinja2 3.1.6's lstrip_blocks strips any whitespace before a tag, an ideographic space too.
    [InlineData("x\n\u3000 {% if true %}y{% endif %}", "x\ny")]
    // One trailing newline of the source is dropped; \r\n becomes \n.
    [InlineData("a\n", "a")]
    [InlineData("a\nb", "a\nb")]
    // raw blocks are text; comments vanish.
    [InlineData("{% raw %}  {{ x }}{% endraw %}\n z", "  {{ x }} z")]
    [InlineData("{#- multi\nline -#}\n\nok", "ok")]
    // Loop bodies get a scope per iteration; namespace objects carry values out.
    [InlineData("{% set x = 0 %}{% for i in [1,2,3] %}{{ x }}{% set x = i %}{% endfor %}{{ x }}", "0000")]
    [InlineData("{% set ns = namespace(a=[]) %}{% for m in messages %}{% set ns.a = ns.a + [m.role] %}{% endfor %}{{ ns.a }}", "['user', 'assistant']")]
    [InlineData("{% if true %}{% set z = 1 %}{% endif %}{{ z }}", "1")]
    // Macros read their defining scope when called; arguments take defaults evaluated at call time.
    [InlineData("{% macro m() %}{{ z }}{% endmacro %}{% set z = 1 %}{{ m() }}{% set z = 2 %}{{ m() }}", "12")]
    [InlineData("{% macro f(a, b=2, c=a) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ f(1) }}{{ f(1, 3) }}{{ f(1, c=5) }}[{{ f() }}]", "121131125[2]")]
    [InlineData("{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(5) }}", "54321")]
    // The loop variable, loop controls, loop filters, else and unpacking.
    [InlineData("{% for m in messages %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.previtem }}{{ loop.nextitem }}|{% endfor %}", "1021TrueFalse2{'role': 'assistant', 'content': 'yo'}|2110FalseTrue2{'role': 'user', 'content': 'hi'}|")]
    [InlineData("{% for i in range(5) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}", "02")]
    [InlineData("{% for i in range(5) if i is odd %}{{ i }}{{ loop.index }}{{ loop.length }},{% endfor %}{% for i in [] %}x{% else %}empty{% endfor %}", "112,322,empty")]
    [InlineData("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k, v in d|items %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}", "b=2;a=1;b=2;a=1;ba")]
    [InlineData("{% for i in range(3) %}{{ loop.cycle('a', 'b') }}{{ loop.changed(i // 2) }}{% endfor %}", "aTruebFalseaTrue")]
    // Set blocks, filter blocks, with.
    [InlineData("{% set x %}  hello {{ 1 }}  {% endset %}[{{ x }}]{% set y | upper | trim %}  abc  {% endset %}[{{ y }}]", "[  hello 1  ][ABC]")]
    [InlineData("{% filter upper %}abc{{ 'd' }}{% endfilter %}{% filter trim|replace('a', 'b') %}  aa  {% endfilter %}{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a }}", "ABCDbb3")]
    // Values print as Python prints them.
    [InlineData("{{ none }}|{{ [1, \"a\", none, 1.5, true] }}|{{ {\"a\": (1,2)} }}|{{ (1,) }}|{{ [\"it's\", 'a\"b', \"\\n\\t\\\\\", \"\u00e9\\u200d\\x00\"] }}|{{ x }}", "None|[1, 'a', None, 1.5, True]|{'a': (1, 2)}|(1,)|[\"it's\", 'a\"b', '\\n\\t\\\\', '\u00e9\\u200d\\x00']|")]
    [InlineData("{{ 1/2 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 2**10 }} {{ 2**-1 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 0.1 + 0.2 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 1.0 // 0.1 }}", "0.5 3 -4 2 1024 0.5 1e+16 1000000000000000.0 0.0001 1e-05 0.30000000000000004 64 4 9.0")]
    [InlineData("{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ [1] == (1,) }} {{ {'a': 1} == {'a': 1} }} {{ not 1 == 2 }} {{ 1 and 2 }} {{ 0 or 'x' }} {{ n or [] }}", "True False True True False True True 2 x []")]
    [InlineData("{{ 'tool_calls' in messages[0] }} {{ 'role' in messages[0] }} {{ 'b' in d }} {{ 3 not in [1, 2] }} {{ 'll' in s }} {{ 1 in undefined_x }}", "False True True True True False")]
    [InlineData("{{ \"a\\u00e9\\x41\\101\\q\\U0001F600\" }} {{ 'it\\'s' }} {{ \"a\" \"b\" 'c' }} {{ 1_000 + 0x10 + 0o10 + 0b11 }} {{ 'a' ~ 1 ~ none ~ x ~ [1] }}", "a\u00e9AA\\q\ud83d\ude00 it's abc 1027 a1None[1]")]
    // Slices and lengths count code points, as Python does.
    [InlineData("{% for c in \"h\u00e9llo\ud83d\ude00\" %}[{{ c }}]{% endfor %}{{ \"h\u00e9llo\ud83d\ude00\"|length }} {{ \"a\ud83d\ude00b\"[1] }} {{ \"a\ud83d\ude00b\"[::-1] }} {{ s[1:4] }} {{ s[-3:] }} {{ [1,2,3,4][1::2] }} {{ range(5)[1:3] }}", "[h][\u00e9][l][l][o][\ud83d\ude00]6 \ud83d\ude00 b\ud83d\ude00a ell rld [2, 4] range(1, 3)")]
    // Attributes fall back to items, items to attributes; dict methods win over keys of the same name.
    [InlineData("{{ messages[0]['role'] }} {{ messages[0].role }} {{ messages.0.role }} {{ d.items is callable }} {{ d.get('a') }} {{ d.get('z', 9) }} {{ d.get('z') }} [{{ n.foo }}] [{{ messages[0].nope }}]", "user user user True 1 9 None [] []")]
    // Python's str methods.
    [InlineData("{{ '  a b  '.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a b c'.split(' ', 1) }} {{ 'a b c'.rsplit(None, 1) }} {{ 'x</think>y'.split('</think>')[-1] }}", "['a', 'b'] ['a', 'b', '', 'c'] ['a', 'b c'] ['a b', 'c'] y")]
    [InlineData("{{ s.lower() }} {{ s.upper() }} {{ s.startswith('He') }} {{ s.endswith(('x', 'ld')) }} {{ s.find('o') }} {{ s.rfind('o') }} {{ s.replace('l', 'L', 2) }} {{ s.count('l') }} {{ \"they're bill's\".title() }} {{ 'xxhixx'.strip('x') }} {{ 'a\\nb\\r\\nc'.splitlines() }} {{ ','.join(['a', 'b']) }}", "hello world HELLO WORLD True True 4 7 HeLLo World 3 They'Re Bill'S hi ['a', 'b', 'c'] a,b")]
    // Filters.
    [InlineData("{{ 'hello-world x(y'|title }} {{ \"they're\"|title }} {{ 'hELLO wORLD'|capitalize }} {{ s|replace('o', '0') }} {{ s|trim('Hd') }} {{ '  x  '|trim }} {{ s|wordcount }} {{ 'ab'|center(6) }}|", "Hello-World X(Y They're Hello world Hell0 W0rld ello Worl x 2   ab  |")]
    [InlineData("{{ 3|string + 'x' }} {{ 3.0|int }} {{ '42'|int }} {{ ' 4.7 '|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ '0x1A'|int(0, 16) }} {{ '3.5'|float }} {{ -3|abs }} {{ 2.5|round }} {{ 2.567|round(2) }} {{ 2.561|round(1, 'ceil') }}", "3x 3 42 4 0 7 26 3.5 3 2.0 2.57 2.6")]
    [InlineData("{{ [3,1,2]|sort }} {{ ['b','A','a']|sort }} {{ [1,2]|reverse|list }} {{ 'abc'|reverse }} {{ [3,1,2]|sort(reverse=true) }} {{ [1,2,1]|unique|list }} {{ d|dictsort }} {{ [1,2,3]|sum }} {{ ['b','A']|min }}", "[1, 2, 3] ['A', 'a', 'b'] [2, 1] cba [3, 2, 1] [1, 2] [('a', 1), ('b', 2)] 6 A")]
    [InlineData("{{ messages|selectattr('role', 'equalto', 'user')|list }} {{ messages|rejectattr('role', 'equalto', 'user')|map(attribute='content')|join(', ') }} {{ [0,1,2,3]|select('odd')|list }} {{ [0,1,2]|reject|list }} {{ n|selectattr('x')|list }} {{ ['a','b']|map('upper')|join }}", "[{'role': 'user', 'content': 'hi'}] yo [1, 3] [0] [] AB")]
    [InlineData("{{ x|default('d') }} {{ n|default('d') }} {{ n|default('d', true) }} {{ messages|first }} {{ 'abc'|first }} {{ messages|last }} {{ [1,2,3,4,5]|batch(2)|list }} {{ 'ab'|list }} {{ d|length }}", "d None d {'role': 'user', 'content': 'hi'} a {'role': 'assistant', 'content': 'yo'} [[1, 2], [3, 4], [5]] ['a', 'b'] 2")]
    [InlineData("{{ \"a\\nb\\n\\nc\"|indent }}|{{ \"a\\nb\"|indent(2, true) }}|{{ \"a\\n\\nb\\n\"|indent(2, blank=true) }}|{{ \"x\\ny\"|indent('>>') }}", "a\n    b\n\n    c|  a\n  b|a\n  \n  b\n  |x\n>>y")]
    // tojson as Hugging Face overrides it: no ASCII or HTML escaping, Python's separators.
    [InlineData("{{ d|tojson }} {{ d|tojson(indent=2) }} {{ [1, [], {}, \"\u00e9\\n\\\"<>&\"]|tojson(indent=1) }} {{ d|tojson(sort_keys=true) }} {{ \"\u00e9\ud83d\ude00\"|tojson(ensure_ascii=true) }} {{ [1.0, 1e20, 0.1, -0.0]|tojson }} {{ d|tojson(separators=(',', ':')) }} {{ (1,2)|tojson }}", "{\"b\": 2, \"a\": 1} {\n  \"b\": 2,\n  \"a\": 1\n} [\n 1,\n [],\n {},\n \"\u00e9\\n\\\"<>&\"\n] {\"a\": 1, \"b\": 2} \"\\u00e9\\ud83d\\ude00\" [1.0, 1e+20, 0.1, -0.0] {\"b\":2,\"a\":1} [1, 2]")]
    // Tests.
    [InlineData("{{ s is string }} {{ true is number }} {{ true is integer }} {{ d is mapping }} {{ s is iterable }} {{ 1 is iterable }} {{ n is none }} {{ 9 is divisibleby 3 }} {{ 'abc' is lower }} {{ n is sameas none }} {{ 'a' is in 'abc' }} {{ 3 is gt 2 }} {{ 'upper' is filter }} {{ x is not defined }} {{ undefined_x is sequence }}", "True True False True True False True True True True True True True True True")]
    // Markup: plain text added to Markup is HTML-escaped; ~ makes plain text.
    [InlineData("{{ 'x'|safe + '<a>' }} {{ '<a>' + 'x'|safe }} {{ ('<' ~ 'x'|safe) }} {{ '<a>'|e }}", "x&lt;a&gt; &lt;a&gt;x <x &lt;a&gt;")]
    // printf-style formatting.
    [InlineData("{{ '%s-%s' % (1, 'a') }} {{ '%05d|%-5d|%+d' % (42, 42, 42) }} {{ '%.2f %e %g %#x' % (3.14159, 12345.678, 0.0001, 255) }} {{ '%(a)s' % {'a': 'x'} }} {{ \"%s - %s\"|format(1, 'b') }}", "1-a 00042|42   |+42 3.14 1.234568e+04 0.0001 0xff x 1 - b")]
    // Hugging Face's globals.
    [InlineData("{{ strftime_now('%d %b %Y') }} {{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %-d %p') }} {{ range(3)|list }} {{ dict(a=1) }} {{ namespace(a=1) }}\n", "15 Jan 2026 2026-01-15 00:00:00 Thursday January 015 15 AM [0, 1, 2] {'a': 1} <Namespace {'a': 1}>")]
    public void Render_MatchesJinja2(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void Render_NormalizesLineEnds() => Assert.Equal("a\nb\nc", Render("a\r\nb\rc\r\n"));

    [Theory]
    [InlineData("{{ raise_exception('Only user and assistant roles are supported!') }}", TemplateErrorKind.TemplateError, "Only user and assistant roles are supported!")]
    [InlineData("{{ functions + 'x' }}", TemplateErrorKind.UndefinedError, "'functions' is undefined")]
    [InlineData("{{ messages[0].tool_calls[0] }}", TemplateErrorKind.UndefinedError, "'dict object' has no attribute 'tool_calls'")]
    [InlineData("{% for t in n %}{% endfor %}", TemplateErrorKind.TypeError, "'NoneType' object is not iterable")]
    [InlineData("{{ messages|map(attribute='role')|tojson }}", TemplateErrorKind.TypeError, "Object of type generator is not JSON serializable")]
    [InlineData("{{ messages|map(attribute='role')|length }}", TemplateErrorKind.TypeError, "object of type 'generator' has no len()")]
    [InlineData("{{ 'a' + 1 }}", TemplateErrorKind.TypeError, "can only concatenate str (not \"int\") to str")]
    [InlineData("{{ n + 'a' }}", TemplateErrorKind.TypeError, "unsupported operand type(s) for +: 'NoneType' and 'str'")]
    [InlineData("{{ 1 / 0 }}", TemplateErrorKind.ZeroDivisionError, "division by zero")]
    [InlineData("{{ n[1:] }}", TemplateErrorKind.TypeError, "'NoneType' object is not subscriptable")]
    [InlineData("{{ messages.append(1) }}", TemplateErrorKind.SecurityError, "access to attribute 'append' of 'list' object is unsafe.")]
    [InlineData("{% set x = 1 %}{% set x.y = 2 %}", TemplateErrorKind.TemplateRuntimeError, "cannot assign attribute on non-namespace object")]
    [InlineData("{% for a, b in [(1, 2, 3)] %}{% endfor %}", TemplateErrorKind.ValueError, "too many values to unpack (expected 2)")]
    [InlineData("{{ range(100001) }}", TemplateErrorKind.OverflowError, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).")]
    public void Render_FailsAsJinja2Does(string template, TemplateErrorKind kind, string message)
    {
        var e = Assert.Throws<TemplateException>(() => Render(template));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void RenderError_NamesTheLineOfTheFailingStatement()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{% for m in messages %}\n{{ m.role }}\n{% endfor %}\n{% if true %}\n  {{ raise_exception('no') }}\n{% endif %}"));
        Assert.Equal(5, e.Line);
        Assert.Equal("no", e.Message);
    }

    /// <summary>
    /// Unbounded recursion (as Hermes 2 Pro's template falls into for a parameter of type ["string", "null"]) is a
    /// RecursionError, as in Python, never a stack overflow, which would end the process: not at the depth limit, and
    /// not on a thread with a small stack either.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(256 * 1024)]
    public void UnboundedMacroRecursion_FailsInsteadOfOverflowingTheStack(int stackSize)
    {
        const string template = """
            {%- macro f(spec) %}
            {%- for t in spec.type %}{% if t is string %}{{ '[' ~ f({'type': t}) ~ ']' }}{% endif %}{% endfor %}
            {%- endmacro %}
            {{- f({'type': ['string', 'null']}) }}
            """;
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => Render(template)), stackSize);
        thread.Start();
        thread.Join();
        var e = Assert.IsType<TemplateException>(error);
        Assert.Equal(TemplateErrorKind.RecursionError, e.Kind);
    }

    /// <summary>Parse errors: an unsupported construct or a syntax error, named in the message with its line.</summary>
    [Theory]
    [InlineData("a\n\n{% include 'other.jinja' %}", TemplateErrorKind.Unsupported, "{% include %}", 3)]
    [InlineData("{% for m in messages recursive %}{% endfor %}", TemplateErrorKind.Unsupported, "recursive loops", 1)]
    [InlineData("x\n{{ s | wordwrap(10) }}", TemplateErrorKind.Unsupported, "the filter 'wordwrap'", 2)]
    [InlineData("{% if s is nosuchtest %}{% endif %}", TemplateErrorKind.Unsupported, "the test 'nosuchtest'", 1)]
    [InlineData("\n\n\n{% call m() %}x{% endcall %}", TemplateErrorKind.Unsupported, "{% call %}", 4)]
    [InlineData("{{ '\\N{BULLET}' }}", TemplateErrorKind.Unsupported, "\\N{...} escapes", 1)]
    [InlineData("{% if x %}\nopen", TemplateErrorKind.TemplateSyntaxError, "Jinja was looking for the following tags: 'elif' or 'else' or 'endif'", 2)]
    [InlineData("\n{% frobnicate %}", TemplateErrorKind.TemplateSyntaxError, "Encountered unknown tag 'frobnicate'", 2)]
    [InlineData("{% break %}", TemplateErrorKind.TemplateSyntaxError, "'break' outside a loop", 1)]
    [InlineData("{{ x", TemplateErrorKind.TemplateSyntaxError, "missing '}}'", 1)]
    [InlineData("{{ (1 }}", TemplateErrorKind.TemplateSyntaxError, "expected ')'", 1)]
    [InlineData("{# never closed", TemplateErrorKind.TemplateSyntaxError, "Missing end of comment tag", 1)]
    public void ParseError_NamesTheProblemAndTheLine(string template, TemplateErrorKind kind, string problem, int line)
    {
        var e = Assert.Throws<TemplateException>(() => Template.Parse(template));
        Assert.Equal(kind, e.Kind);
        Assert.True(e.IsCompileError);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Message);
        Assert.Contains($"line {line}", e.Message);
    }

    [Fact]
    public void MessageContent_IsNeverEvaluated()
    {
        const string content = "{{ raise_exception('x') }} {% if %} {# #}";
        var values = new Dictionary<string, object?> { ["m"] = content };
        Assert.Equal(content, Template.Parse("{{ m }}").Render(values));
    }

    [Fact]
    public void Render_TakesDotNetDictionariesAndListsInOrder()
    {
        var message = new Dictionary<string, object?> { ["role"] = "user", ["content"] = "hi", ["n"] = 3, ["x"] = 0.5, ["ok"] = true, ["none"] = null };
        var values = new Dictionary<string, object?> { ["messages"] = new List<object?> { message } };
        Assert.Equal("{\"role\": \"user\", \"content\": \"hi\", \"n\": 3, \"x\": 0.5, \"ok\": true, \"none\": null}",
            Template.Parse("{{ messages[0] | tojson }}").Render(values));
    }

    /// <summary>A long chat renders at once: a 2000-message conversation through a ChatML template with a loop and filters.</summary>
    [Fact]
    public void LongConversation_RendersQuickly()
    {
        var template = Template.Parse("""
            {%- for message in messages %}
                {{- '<|im_start|>' + message.role + '\n' + message.content | trim + '<|im_end|>\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}
            """);
        var messages = Enumerable.Range(0, 2000).Select(i => (object?)new Dictionary<string, object?>
        {
            ["role"] = i % 2 == 0 ? "user" : "assistant",
            ["content"] = $" message {i} " + new string('x', 200),
        }).ToList();
        var values = new Dictionary<string, object?> { ["messages"] = messages, ["add_generation_prompt"] = true };
        template.Render(values);

        var clock = Stopwatch.StartNew();
        string text = template.Render(values);
        clock.Stop();

        Assert.EndsWith("<|im_start|>assistant\n", text);
        Assert.Equal(2000, text.Split("<|im_end|>").Length - 1);
        // Typically a few milliseconds; the bound only catches an accidentally quadratic renderer.
        Assert.True(clock.ElapsedMilliseconds < 1000, $"Rendering took {clock.ElapsedMilliseconds} ms.");
    }
}
