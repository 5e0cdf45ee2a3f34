namespace Reasoning.Engine.Generation;

/// <summary>
/// Watches generated text for stop strings. Text that could still turn out to be the start of a stop string is held
/// back, so a stream never shows a stop string (or half of one) that ends the generation.
/// </summary>
public sealed class StopStringMatcher
{
    private readonly string[] _stops;
    private readonly int _holdBack;
    private readonly System.Text.StringBuilder _text = new();
    private int _released;

    /// <summary>Creates a matcher for <paramref name="stops"/> (empty strings are ignored).</summary>
    public StopStringMatcher(IEnumerable<string> stops)
    {
        _stops = stops.Where(s => s.Length > 0).Distinct().ToArray();
        _holdBack = _stops.Length == 0 ? 0 : _stops.Max(s => s.Length) - 1;
    }

    /// <summary>Whether a stop string has been seen.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The stop string that was seen (the earliest in the text), or null.</summary>
    public string? StopString { get; private set; }

    /// <summary>Where <see cref="StopString"/> starts in the text pushed so far, or -1.</summary>
    public int StopIndex { get; private set; } = -1;

    /// <summary>All text accepted so far (cut before the stop string once one is seen).</summary>
    public string Text => _text.ToString();

    /// <summary>
    /// Adds decoded text; returns the text that is now safe to show. After a stop string is seen, the text is cut
    /// before it and nothing more is accepted.
    /// </summary>
    public string Push(string piece)
    {
        if (Stopped)
            return "";
        int searchFrom = Math.Max(0, _text.Length - _holdBack);
        _text.Append(piece);
        if (_stops.Length > 0)
        {
            string window = _text.ToString(searchFrom, _text.Length - searchFrom);
            int best = -1;
            string? found = null;
            foreach (var stop in _stops)
            {
                int at = window.IndexOf(stop, StringComparison.Ordinal);
                if (at >= 0 && (best < 0 || at < best))
                {
                    best = at;
                    found = stop;
                }
            }
            if (best >= 0)
            {
                _text.Length = searchFrom + best;
                Stopped = true;
                StopString = found;
                StopIndex = _text.Length;
                return Release(_text.Length);
            }
        }
        return Release(Math.Max(_released, _text.Length - _holdBack));
    }

    /// <summary>Releases the held-back text at the end of a generation.</summary>
    public string Flush() => Release(_text.Length);

    private string Release(int upTo)
    {
        if (upTo <= _released)
            return "";
        string result = _text.ToString(_released, upTo - _released);
        _released = upTo;
        return result;
    }
}
