using System.Text;

namespace Reasoning.Agents.Chat;

/// <summary>
/// Decides, while an answer streams and tools were offered, which text is surely answer text and may be shown: text
/// that might be part of a tool call is held until the end, when the whole output is parsed. Qwen: text before the
/// first <c>&lt;tool_call&gt;</c> is released (less any trailing white space and any partial tag). Llama 3: an answer
/// whose first visible character is <c>{</c> or <c>&lt;</c> may be a call and is held whole; any other answer is
/// text and streams as it comes. What is released is always a prefix of the text <see cref="ToolCallParser"/> reads.
/// </summary>
internal sealed class ToolCallStreamGate(ToolCallFormat format)
{
    private readonly StringBuilder _text = new();
    private int _released;
    private bool _closed;   // a call has started (Qwen) or may have (Llama 3): nothing more until the end
    private bool _open;     // Llama 3: the answer is text

    /// <summary>The text released so far.</summary>
    public string Released => _text.ToString(0, _released);

    /// <summary>Adds a piece of generated text; returns the text now safe to show.</summary>
    public string Push(string piece)
    {
        _text.Append(piece);
        if (_closed)
            return "";
        return format == ToolCallFormat.Hermes ? PushHermes() : PushLlama3();
    }

    private string PushHermes()
    {
        var text = _text.ToString();
        int end;
        var marker = text.IndexOf(ToolCallParser.HermesOpen, StringComparison.Ordinal);
        if (marker >= 0)
        {
            _closed = true;
            end = marker;
        }
        else
        {
            end = text.Length - PartialMarker(text);
        }
        end = text[..end].TrimEnd().Length;
        return Release(text, end);
    }

    private string PushLlama3()
    {
        var text = _text.ToString();
        if (!_open)
        {
            var trimmed = text.TrimStart();
            if (trimmed.Length == 0)
                return "";
            if (trimmed[0] is '{' or '<')
            {
                _closed = true;
                return "";
            }
            _open = true;
        }
        return Release(text, text.Length);
    }

    private string Release(string text, int end)
    {
        if (end <= _released)
            return "";
        var piece = text[_released..end];
        _released = end;
        return piece;
    }

    // The length of the longest end of the text that is a proper start of the tag.
    private static int PartialMarker(string text)
    {
        var tag = ToolCallParser.HermesOpen;
        for (var n = Math.Min(tag.Length - 1, text.Length); n > 0; n--)
            if (text.AsSpan(text.Length - n).SequenceEqual(tag.AsSpan(0, n)))
                return n;
        return 0;
    }
}
