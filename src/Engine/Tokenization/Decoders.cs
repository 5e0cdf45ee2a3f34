using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// One step of the decoder chain: turns the list of token strings into another list (Hugging Face's
/// <c>decode_chain</c>); the final text is the concatenation of the last list.
/// </summary>
internal interface IDecoder
{
    List<string> Decode(List<string> tokens);
}

/// <summary>Builds decoders from the "decoder" object of tokenizer.json.</summary>
internal static class Decoders
{
    /// <summary>Reads a decoder; null means the token strings are concatenated as they are.</summary>
    public static IDecoder? Read(JsonElement? element, JsonFields json, string path)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            return null;
        var type = json.Type(e, path);
        return type switch
        {
            "ByteLevel" => new ByteLevelDecoder(),
            "Metaspace" => ReadMetaspace(e, json, path),
            "Replace" => new ReplaceDecoder(Pattern.Read(e, json, path), json.String(e, "content", path)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(json.String(e, "content", path), json.Int(e, "start", path, 0), json.Int(e, "stop", path, 0)),
            "Sequence" => new SequenceDecoder(json.Array(e, "decoders", path).EnumerateArray()
                .Select((d, i) => Read(d, json, $"{path}.decoders[{i}]")!).ToArray()),
            _ => throw json.Error(path, $"unsupported decoder type \"{type}\"; supported: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence"),
        };
    }

    private static IDecoder ReadMetaspace(JsonElement e, JsonFields json, string path)
    {
        var pre = MetaspacePreTokenizer.Read(e, json, path);
        return new MetaspaceDecoder(pre.Replacement, pre.PrependScheme != "never");
    }

    /// <summary>Maps the byte alphabet back to bytes and reads them as UTF-8 (invalid bytes become U+FFFD).</summary>
    private sealed class ByteLevelDecoder : IDecoder
    {
        public List<string> Decode(List<string> tokens)
        {
            var bytes = new List<byte>();
            foreach (var token in tokens)
                ByteLevelAlphabet.AppendBytes(token, bytes);
            return [Encoding.UTF8.GetString(bytes.ToArray())];
        }
    }

    /// <summary>'▁' becomes a space; the space the pre-tokenizer put before the first word is dropped.</summary>
    private sealed class MetaspaceDecoder(char replacement, bool removeLeadingSpace) : IDecoder
    {
        public List<string> Decode(List<string> tokens)
        {
            var output = new List<string>(tokens.Count);
            for (var i = 0; i < tokens.Count; i++)
            {
                var text = tokens[i].Replace(replacement, ' ');
                if (i == 0 && removeLeadingSpace && text.StartsWith(' '))
                    text = text[1..];
                output.Add(text);
            }
            return output;
        }
    }

    private sealed class ReplaceDecoder(Pattern pattern, string content) : IDecoder
    {
        public List<string> Decode(List<string> tokens) => tokens.Select(t => pattern.ReplaceAll(t, content)).ToList();
    }

    /// <summary>
    /// Runs of byte tokens such as <c>&lt;0xE4&gt;&lt;0xBD&gt;&lt;0xA0&gt;</c> become the text their bytes
    /// spell; a run that is not valid UTF-8 becomes one U+FFFD per byte.
    /// </summary>
    private sealed class ByteFallbackDecoder : IDecoder
    {
        public List<string> Decode(List<string> tokens)
        {
            var output = new List<string>(tokens.Count);
            var pending = new List<byte>();
            foreach (var token in tokens)
            {
                if (TryParseByte(token, out var b))
                {
                    pending.Add(b);
                    continue;
                }
                FlushBytes(pending, output);
                output.Add(token);
            }
            FlushBytes(pending, output);
            return output;
        }

        public static bool TryParseByte(string token, out byte value)
        {
            value = 0;
            return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                   && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        private static void FlushBytes(List<byte> pending, List<string> output)
        {
            if (pending.Count == 0)
                return;
            try
            {
                output.Add(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(pending.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                output.AddRange(Enumerable.Repeat("\uFFFD", pending.Count));
            }
            pending.Clear();
        }
    }

    private sealed class FuseDecoder : IDecoder
    {
        public List<string> Decode(List<string> tokens) => [string.Concat(tokens)];
    }

    /// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing copies of a character from each token.</summary>
    private sealed class StripDecoder(string content, int start, int stop) : IDecoder
    {
        public List<string> Decode(List<string> tokens) => tokens.Select(Strip).ToList();

        private string Strip(string token)
        {
            var from = 0;
            for (var removed = 0; removed < start && token.AsSpan(from).StartsWith(content, StringComparison.Ordinal); removed++)
                from += content.Length;
            var to = token.Length;
            for (var removed = 0; removed < stop && to - content.Length >= from && token.AsSpan(from, to - from).EndsWith(content, StringComparison.Ordinal); removed++)
                to -= content.Length;
            return token[from..to];
        }
    }

    private sealed class SequenceDecoder(IDecoder[] steps) : IDecoder
    {
        public List<string> Decode(List<string> tokens)
        {
            foreach (var step in steps)
                tokens = step.Decode(tokens);
            return tokens;
        }
    }
}
