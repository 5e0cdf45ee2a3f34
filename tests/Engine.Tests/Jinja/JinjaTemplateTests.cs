using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization.Jinja;
using Xunit;

namespace Reasoning.Engine.Tests.Jinja;

/// <summary>
/// The Jinja renderer on constructs, against the outputs Python's Jinja2 (3.1, with transformers' trim_blocks and
/// lstrip_blocks) gives for the same templates, written out here; and its errors on templates it cannot render.
/// </summary>
public sealed class JinjaTemplateTests
{
    private static string Render(string template, object? context = null) =>
        JinjaTemplate.Parse(template).Render(context as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>());

    [Theory]
    [InlineData("  {% if true %}\nA\n  {% endif %}\nB\n", "A\nB")]
    [InlineData("a  {%- if true -%}  \n b {% endif %}c", "ab c")]
    [InlineData("x {# note #}\ny\n  {#- c -#}  z", "x yz")]
    [InlineData("{{- '  a' -}}  \n  {{ 'b' }}  ", "  ab  ")]
    [InlineData("{% for x in [1, 2] %}\n  {{ x }}\n{% endfor %}\n", "  1\n  2\n")]
    public void Whitespace_follows_trim_blocks_lstrip_blocks_and_the_minus_markers(string template, string expected) =>
        Render(template).Should().Be(expected);

    [Fact]
    public void Scalars_print_as_python_prints_them() =>
        Render("{{ true }}|{{ none }}|{{ 1.0 }}|{{ 10.0 ** 20 }}|{{ 0.1 }}|{{ 7 / 2 }}|{{ 2 ** -1 }}|{{ 10 // 4 }}|{{ -7 // 2 }}|{{ -7 % 3 }}|{{ undefined }}|{{ 'a' ~ none ~ 1 }}")
            .Should().Be("True|None|1.0|1e+20|0.1|3.5|0.5|2|-4|2||aNone1");

    [Fact]
    public void String_methods_follow_python()
    {
        Render("{{ 'xxhixx'.strip('x') }}|{{ '\\n  r \\n'.strip('\\n') }}|{{ '  r  '.lstrip() }}|{{ 'ab\\n\\n'.rstrip('\\n') }}").Should().Be("hi|  r |r  |ab");
        Render("{{ ' a  b '.split() | tojson }}|{{ 'a,b,,c'.split(',') | tojson }}|{{ 'a b c'.split(' ', 1) | tojson }}|{{ 'x</think>y</think>z'.split('</think>')[-1] }}")
            .Should().Be("""["a", "b"]|["a", "b", "", "c"]|["a", "b c"]|z""");
        Render("{{ 'aaa'.replace('a', 'b', 2) }}|{{ 'Hello World hi' | title }}|{{ 'ab-cd ef'.title() }}|{{ 'hELLO' | capitalize }}|{{ 'ab'.upper() }}{{ 'CD'.lower() }}")
            .Should().Be("bba|Hello World Hi|Ab-Cd Ef|Hello|ABcd");
        Render("{{ 'T' if 'abc'.startswith(('x', 'a')) else 'F' }}{{ 'T' if 'abc'.endswith('bc') else 'F' }}{{ 'abcb'.find('b') }}{{ 'abcb'.count('b') }}{{ '-'.join(['a', 'b']) }}")
            .Should().Be("TT12a-b");
    }

    [Fact]
    public void Slicing_and_indexing_follow_python() =>
        Render("{{ [1, 2, 3, 4, 5][1:-1] | join(',') }}|{{ [1, 2, 3, 4, 5][::-2] | join(',') }}|{{ 'hello'[::-1] }}|{{ 'hello'[-3:] }}|{{ [1, 2, 3][5:] | length }}|{{ [1, 2][-1] }}|{{ 'T' if [1][3] is undefined else 'F' }}")
            .Should().Be("2,3,4|5,3,1|olleh|llo|0|2|T");

    [Fact]
    public void A_set_inside_a_loop_stays_in_the_loop_and_a_namespace_carries_out() =>
        Render("{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{% endfor %}{{ x }}|{% set ns = namespace(x=1) %}{% for i in [1, 2] %}{% set ns.x = ns.x + i %}{% endfor %}{{ ns.x }}")
            .Should().Be("1|4");

    [Fact]
    public void Loop_variables_else_filters_break_and_continue()
    {
        Render("{% for c in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first|int }}{{ loop.last|int }}{{ loop.length }}{{ loop.previtem or '-' }}{{ loop.nextitem or '-' }};{% endfor %}")
            .Should().Be("1032103-b;2121003ac;3210013b-;");
        Render("{% for x in [] %}a{% else %}empty{% endfor %}|{% for x in [1, 2, 3, 4] if x is even %}{{ x }}{% endfor %}|{% for x in range(10) %}{% if x == 3 %}{% break %}{% endif %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% endfor %}")
            .Should().Be("empty|24|02");
        Render("{% for k, v in {'a': 1, 'b': 2} | items %}{{ k }}{{ v }}{% endfor %}|{% for k in {'z': 1, 'y': 2} %}{{ k }}{% endfor %}").Should().Be("a1b2|zy");
    }

    [Fact]
    public void Filters_and_tests()
    {
        Render("{{ [3, 1, 2] | sort | join }}|{{ ['b', 'A', 'c'] | sort | join }}|{{ [1, 2, 2, 3] | unique | join }}|{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, true) }}")
            .Should().Be("123|Abc|123|a\n  b\n\n  c|  a\n  b");
        Render("{{ x | default('d') }}|{{ '' | default('d', true) }}|{{ none | default('d') }}|{{ [1, 2] | first }}{{ [1, 2] | last }}|{{ ' t ' | trim }}|{{ '5' | int + 1 }}|{{ 'x' | float }}|{{ [1, 2] | reverse | join }}")
            .Should().Be("d|d|None|12|t|6|0.0|21");
        Render("{% for f in [x is defined, none is none, 1 is number, 1.5 is float, 'a' is string, {} is mapping, [] is iterable, 3 is odd, 'ab' is lower, 2 is divisibleby 2, 1 is in [1], true is true, false is sameas false] %}{{ f | int }}{% endfor %}")
            .Should().Be("0111111111111");
    }

    [Fact]
    public void Tojson_writes_what_transformers_json_dumps_writes()
    {
        var context = new Dictionary<string, object?>
        {
            ["v"] = JsonNode.Parse("""{"b": 1, "a": [1.5, 20.0, true, null, "é\"\n<"], "c": {}}"""),
        };

        Render("{{ v | tojson }}", context).Should().Be("""{"b": 1, "a": [1.5, 20.0, true, null, "é\"\n<"], "c": {}}""");
        Render("{{ v | tojson(indent=2, sort_keys=true) }}", context).Should().Be(
            "{\n  \"a\": [\n    1.5,\n    20.0,\n    true,\n    null,\n    \"é\\\"\\n<\"\n  ],\n  \"b\": 1,\n  \"c\": {}\n}");
        Render("{{ v.a | tojson(separators=(',', ':'), ensure_ascii=true) }}", context).Should().Be("""[1.5,20.0,true,null,"\u00e9\"\n<"]""");
    }

    [Fact]
    public void Strftime_now_reads_the_injected_clock()
    {
        var template = JinjaTemplate.Parse("{{ strftime_now('%d %b %Y') }} {{ strftime_now('%Y-%m-%d %H:%M') }}");

        template.Render(new Dictionary<string, object?>(), () => new DateTimeOffset(2026, 3, 5, 9, 7, 0, TimeSpan.Zero))
            .Should().Be("05 Mar 2026 2026-03-05 09:07");
    }

    [Fact]
    public void Context_values_come_from_dictionaries_lists_numbers_and_json()
    {
        using var document = JsonDocument.Parse("""{"name": "n", "n": 3}""");
        var context = new Dictionary<string, object?>
        {
            ["element"] = document.RootElement,
            ["dict"] = new Dictionary<string, object?> { ["k"] = new[] { 1, 2 } },
            ["number"] = 2.5f,
        };

        Render("{{ element.name }}{{ element.n + 1 }}|{{ dict.k | length }}{{ dict['k'][1] }}|{{ number * 2 }}", context).Should().Be("n4|22|5.0");
        var act = () => Render("{{ x }}", new Dictionary<string, object?> { ["x"] = new object() });
        act.Should().Throw<ArgumentException>().WithMessage("*'x'*Object*");
    }

    [Theory]
    [InlineData("a\n{% macro m() %}x{% endmacro %}", ChatTemplateErrorKind.Unsupported, 2, "macro")]
    [InlineData("{{ x | wordwrap }}", ChatTemplateErrorKind.Unsupported, 1, "wordwrap")]
    [InlineData("{% if x is escaped %}{% endif %}", ChatTemplateErrorKind.Unsupported, 1, "escaped")]
    [InlineData("line 1\n{% if x %}\n{{ x }}", ChatTemplateErrorKind.Syntax, 2, "if")]
    [InlineData("ok\nok\n{{ messages ", ChatTemplateErrorKind.Syntax, 3, "{{")]
    [InlineData("{% for m in messages %}", ChatTemplateErrorKind.Syntax, 1, "for")]
    [InlineData("{{ 'unterminated }}", ChatTemplateErrorKind.Syntax, 1, "string")]
    [InlineData("{# never closed", ChatTemplateErrorKind.Syntax, 1, "{#")]
    [InlineData("\n\n{% endif %}", ChatTemplateErrorKind.Syntax, 3, "endif")]
    [InlineData("{{ a b }}", ChatTemplateErrorKind.Syntax, 1, "}}")]
    [InlineData("{{ 1 ; 2 }}", ChatTemplateErrorKind.Syntax, 1, ";")]
    public void A_template_that_cannot_be_parsed_names_the_construct_and_line(string template, ChatTemplateErrorKind kind, int line, string construct)
    {
        var act = () => JinjaTemplate.Parse(template);

        var error = act.Should().Throw<ChatTemplateException>().Which;
        error.Kind.Should().Be(kind);
        error.Line.Should().Be(line);
        error.Construct.Should().Be(construct);
        error.Message.Should().StartWith($"chat template line {line}: ");
        error.Should().BeAssignableTo<ReasoningException>();
    }

    [Theory]
    [InlineData("\n{{ 'abc'.zfill(5) }}", ChatTemplateErrorKind.Unsupported, 2, "zfill")]
    [InlineData("{{ cycler(1, 2) }}", ChatTemplateErrorKind.Unsupported, 1, "cycler")]
    [InlineData("{{ strftime_now('%G') }}", ChatTemplateErrorKind.Unsupported, 1, "strftime_now")]
    [InlineData("\n\n{{ missing + 1 }}", ChatTemplateErrorKind.Render, 3, "+")]
    [InlineData("{{ 1 < 'a' }}", ChatTemplateErrorKind.Render, 1, "compare")]
    [InlineData("{% set x.y = 1 %}", ChatTemplateErrorKind.Render, 1, "set")]
    [InlineData("{% for x in 5 %}{% endfor %}", ChatTemplateErrorKind.Render, 1, "for")]
    [InlineData("\n{{ range | tojson }}", ChatTemplateErrorKind.Render, 2, "tojson")]
    [InlineData("{{ [range] }}", ChatTemplateErrorKind.Render, 1, "tojson")]
    [InlineData("{% for i in range(10 ** 9) %}{% endfor %}", ChatTemplateErrorKind.Render, 1, "range")]
    [InlineData("{{ 'ab' * 10 ** 8 }}", ChatTemplateErrorKind.Render, 1, "*")]
    public void A_template_that_cannot_be_rendered_names_the_construct_and_line(string template, ChatTemplateErrorKind kind, int line, string construct)
    {
        var parsed = JinjaTemplate.Parse(template);

        var act = () => parsed.Render(new Dictionary<string, object?>());

        var error = act.Should().Throw<ChatTemplateException>().Which;
        error.Kind.Should().Be(kind);
        error.Line.Should().Be(line);
        error.Construct.Should().Be(construct);
        error.Message.Should().Contain(construct);
    }

    [Fact]
    public void Raise_exception_surfaces_the_templates_own_text()
    {
        var template = JinjaTemplate.Parse("{% if messages | length == 0 %}\n  {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}\n{% endif %}ok");

        template.Render(new Dictionary<string, object?> { ["messages"] = new[] { "m" } }).Should().Be("ok");
        var act = () => template.Render(new Dictionary<string, object?> { ["messages"] = Array.Empty<string>() });
        var error = act.Should().Throw<ChatTemplateException>().Which;
        error.Kind.Should().Be(ChatTemplateErrorKind.Raised);
        error.Line.Should().Be(2);
        error.Message.Should().Be("chat template line 2: the template rejected the input: Conversation roles must alternate user/assistant/user/assistant/...");
    }
}
