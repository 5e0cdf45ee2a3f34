using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// A Hugging Face tokenizer (tokenizer.json with a BPE model): text to token ids and back, exactly as the
/// reference implementations do it. Thread-safe: one instance can serve every request.
/// </summary>
public sealed class Tokenizer : Generation.ITokenTextDecoder
{
    private readonly TokenizerPipeline _pipeline;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, AddedToken> _addedByContent;
    private readonly AddedTokenSplitter _rawSplitter;
    private readonly AddedTokenSplitter _rawSplitterWithoutSpecials;
    private readonly AddedTokenSplitter _normalizedSplitter;
    private readonly AddedTokenSplitter _normalizedSplitterWithoutSpecials;
    private readonly bool _prependBos;
    private readonly int? _appendEos;

    private Tokenizer(TokenizerPipeline pipeline, ModelDirectoryConfig config)
    {
        _pipeline = pipeline;
        _addedById = pipeline.AddedTokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.Last());
        _addedByContent = pipeline.AddedTokens.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First());
        var matchNormalized = pipeline.Normalizer is not null;
        _rawSplitter = new AddedTokenSplitter(pipeline.AddedTokens.Where(t => !(t.Normalized && matchNormalized)));
        _normalizedSplitter = new AddedTokenSplitter(pipeline.AddedTokens.Where(t => t.Normalized && matchNormalized));
        _rawSplitterWithoutSpecials = new AddedTokenSplitter(pipeline.AddedTokens.Where(t => !t.Special && !(t.Normalized && matchNormalized)));
        _normalizedSplitterWithoutSpecials = new AddedTokenSplitter(pipeline.AddedTokens.Where(t => !t.Special && t.Normalized && matchNormalized));
        VocabSize = Math.Max(pipeline.Model.Size, pipeline.AddedTokens.Count == 0 ? 0 : pipeline.AddedTokens.Max(t => t.Id) + 1);

        var template = pipeline.PostProcessor?.AddSpecialTokens([]) ?? [];
        BosTokenId = (config.BosToken is { } bos ? TokenToId(bos) : null) ?? config.GenerationBosTokenId
                     ?? (template.Count > 0 && IsSpecial(template[0]) ? template[0] : null);
        var eos = config.GenerationEosTokenIds.ToList();
        var configEos = config.EosToken is { } eosToken ? TokenToId(eosToken) : null;
        if (configEos is { } eosId && !eos.Contains(eosId))
            eos.Add(eosId);
        EosTokenIds = eos;
        // tokenizer_config.json's add_bos_token/add_eos_token add what the post-processor does not already add.
        _prependBos = config.AddBosToken == true && BosTokenId is { } b && (template.Count == 0 || template[0] != b);
        _appendEos = config.AddEosToken == true && configEos is { } e && (template.Count == 0 || template[^1] != e) ? e : null;
        ChatTemplate = Tokenization.ChatTemplate.Detect(config.ChatTemplate, t => TokenToId(t) is not null, config.BosToken, config.EosToken);
    }

    /// <summary>
    /// Loads a tokenizer from a tokenizer.json file, or from a model directory holding tokenizer.json (and
    /// optionally tokenizer_config.json and generation_config.json, which give BOS/EOS and the chat template).
    /// </summary>
    /// <exception cref="TokenizerFormatException">A file is missing, is not JSON, or is not a supported tokenizer.</exception>
    public static Tokenizer Load(string path)
    {
        var config = ModelDirectoryConfig.Empty;
        var file = path;
        if (Directory.Exists(path))
        {
            file = Path.Combine(path, "tokenizer.json");
            if (!File.Exists(file))
                throw new TokenizerFormatException(path, "the directory has no tokenizer.json; pass a Hugging Face model directory or the tokenizer.json file itself");
            config = ModelDirectoryConfig.Read(path);
        }
        else if (!File.Exists(path))
        {
            throw new TokenizerFormatException(path, "no such file or directory; pass a tokenizer.json file or a model directory");
        }
        return new Tokenizer(TokenizerPipeline.Parse(File.ReadAllBytes(file), file), config);
    }

    /// <summary>Builds a tokenizer from the text of a tokenizer.json; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="TokenizerFormatException">The text is not JSON or not a supported tokenizer.</exception>
    public static Tokenizer FromJson(string json, string sourceName) =>
        new(TokenizerPipeline.Parse(System.Text.Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))), sourceName),
            ModelDirectoryConfig.Empty);

    /// <summary>Number of ids: one more than the largest id of the vocabulary and the added tokens.</summary>
    public int VocabSize { get; }

    /// <summary>The beginning-of-sequence token, if the tokenizer or its model directory names one.</summary>
    public int? BosTokenId { get; }

    /// <summary>Tokens that end generation: generation_config.json's eos_token_id (int or list), then tokenizer_config.json's eos_token.</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>
    /// The chat format of the model: its own chat_template (tokenizer_config.json or chat_template.jinja) rendered by
    /// the Jinja renderer, else the ChatML or Llama 3 format its vocabulary reveals; null if neither.
    /// </summary>
    public ChatTemplate? ChatTemplate { get; }

    /// <summary>
    /// Encodes text. Added tokens written in the text (such as <c>&lt;|im_start|&gt;</c>) become their ids;
    /// with <paramref name="addSpecialTokens"/> the post-processor's tokens (BOS for Llama 2) are added.
    /// </summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="addSpecialTokens">Whether to add the tokens the post-processor adds (BOS for Llama 2).</param>
    /// <param name="parseSpecialTokens">Whether special tokens written in the text become control tokens. Pass false
    /// for untrusted text (a user's message), so that a literal "&lt;|im_end|&gt;" in it is encoded as ordinary text.</param>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        var words = new List<string>();
        var splitter = parseSpecialTokens ? _rawSplitter : _rawSplitterWithoutSpecials;
        var normalizedSplitter = parseSpecialTokens ? _normalizedSplitter : _normalizedSplitterWithoutSpecials;
        foreach (var segment in splitter.Split(text))
        {
            if (segment.TokenId is { } id)
            {
                ids.Add(id);
                continue;
            }
            var normalized = _pipeline.Normalizer?.Normalize(segment.Text) ?? segment.Text;
            foreach (var piece in normalizedSplitter.Split(normalized))
            {
                if (piece.TokenId is { } pieceId)
                {
                    ids.Add(pieceId);
                    continue;
                }
                words.Clear();
                if (_pipeline.PreTokenizer is { } pre)
                    pre.PreTokenize(piece.Text, segment.Start == 0 && piece.Start == 0, words);
                else
                    words.Add(piece.Text);
                foreach (var word in words)
                    _pipeline.Model.Encode(word, ids);
            }
        }
        if (!addSpecialTokens)
            return ids;
        if (_pipeline.PostProcessor is { } post)
            ids = post.AddSpecialTokens(ids);
        if (_prependBos)
            ids.Insert(0, BosTokenId!.Value);
        if (_appendEos is { } eosToAppend)
            ids.Add(eosToAppend);
        return ids;
    }

    /// <summary>Decodes ids to text with the tokenizer's decoder; special tokens are kept unless <paramref name="skipSpecialTokens"/>.</summary>
    /// <exception cref="InvalidRequestException">An id is outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            var token = IdToToken(id) ?? throw UnknownId(id);
            if (!(skipSpecialTokens && IsSpecial(id)))
                tokens.Add(token);
        }
        return _pipeline.Decoder is { } decoder ? string.Concat(decoder.Decode(tokens)) : string.Join(' ', tokens);
    }

    /// <summary>The error for an id that has no token.</summary>
    internal InvalidRequestException UnknownId(int id) =>
        new($"token id {id} is not in the vocabulary (ids run from 0 to {VocabSize - 1}); decode only ids this tokenizer produced");

    /// <summary>The vocabulary string of an id (an added token's content), or null if the id has none.</summary>
    public string? IdToToken(int id) => _addedById.TryGetValue(id, out var added) ? added.Content : _pipeline.Model.IdToToken(id);

    /// <summary>The id of a vocabulary string or added token, or null if there is none.</summary>
    public int? TokenToId(string token) => _addedByContent.TryGetValue(token, out var added) ? added.Id : _pipeline.Model.TokenToId(token);

    /// <summary>Whether the id is a special (control) added token such as EOS or <c>&lt;|im_start|&gt;</c>.</summary>
    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out var added) && added.Special;

    /// <summary>A decoder for generated ids, one at a time, that only ever returns complete characters.</summary>
    public StreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    /// <summary>A streaming decoder that keeps special tokens as text (as <see cref="CreateStreamingDecoder"/> by default).</summary>
    public Generation.ITextStreamDecoder CreateStreamDecoder() => CreateStreamingDecoder();

    /// <summary>This tokenizer as the engine's decoder, with special tokens kept or skipped.</summary>
    public Generation.ITokenTextDecoder AsTextDecoder(bool skipSpecialTokens) => new TextDecoder(this, skipSpecialTokens);

    private sealed class TextDecoder(Tokenizer tokenizer, bool skipSpecialTokens) : Generation.ITokenTextDecoder
    {
        public Generation.ITextStreamDecoder CreateStreamDecoder() => tokenizer.CreateStreamingDecoder(skipSpecialTokens);
    }

    /// <summary>
    /// Renders a conversation in the model's chat format (see <see cref="ChatTemplate"/>); a model with none (the shipped
    /// Countdown models) gets the plain form of <see cref="Tokenization.ChatTemplate.Plain"/>.
    /// </summary>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="addGenerationPrompt">Whether to end with an open assistant turn.</param>
    /// <param name="enableThinking">Qwen3: false asks the model to answer without reasoning first.</param>
    /// <exception cref="InvalidRequestException">A message is empty.</exception>
    /// <exception cref="ChatTemplateException">The model's template could not be parsed or rendered, or rejected the conversation.</exception>
    public string RenderChat(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, bool enableThinking = true) =>
        (ChatTemplate ?? Tokenization.ChatTemplate.Plain).Render(messages, addGenerationPrompt, enableThinking);

    /// <summary>Renders a conversation with tools and template variables in the model's chat format (plain form if it has none).</summary>
    /// <exception cref="InvalidRequestException">A message is malformed, or tools are given to a model without a chat_template.</exception>
    /// <exception cref="ChatTemplateException">The model's template could not be parsed or rendered, or rejected the conversation.</exception>
    public string RenderChat(IReadOnlyList<ChatMessage> messages, ChatRenderOptions options) =>
        (ChatTemplate ?? Tokenization.ChatTemplate.Plain).RenderConversation(messages, options);
}
