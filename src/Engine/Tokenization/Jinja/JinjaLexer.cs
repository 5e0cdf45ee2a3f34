using System.Globalization;
using System.Text;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// Cuts a chat template into tokens with the whitespace rules Hugging Face applies to chat templates:
/// <c>trim_blocks</c> (the newline right after <c>%}</c> or <c>#}</c> is dropped), <c>lstrip_blocks</c> (spaces
/// and tabs from a line's start up to <c>{%</c> or <c>{#</c> are dropped), one trailing newline of the template
/// dropped, and the <c>-</c> markers (<c>{%-</c>, <c>-%}</c>, <c>{{-</c>, <c>-}}</c>, <c>{#-</c>, <c>-#}</c>) that
/// strip all whitespace on their side. Comments are dropped. Lines are counted in the source as written.
/// </summary>
internal sealed class JinjaLexer
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "=", "+", "-", "*", "/", "%", "~", "<", ">"];

    private readonly string _source;
    private readonly int _end;
    private readonly List<int> _lineStarts = [0];
    private readonly List<JinjaToken> _tokens = [];
    private int _pos;

    private JinjaLexer(string source)
    {
        _source = source;
        // Jinja's default keep_trailing_newline=False: one newline at the very end is not part of the output.
        _end = source.EndsWith('\n') ? source.Length - 1 : source.Length;
        for (var i = 0; i < source.Length; i++)
            if (source[i] == '\n')
                _lineStarts.Add(i + 1);
    }

    /// <summary>The tokens of <paramref name="source"/>, ending with an <see cref="JinjaTokenKind.End"/> token.</summary>
    /// <exception cref="ChatTemplateException">An unterminated tag, comment or string, or a character Jinja does not know.</exception>
    public static List<JinjaToken> Tokenize(string source)
    {
        var lexer = new JinjaLexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private int LineAt(int position)
    {
        var index = _lineStarts.BinarySearch(position);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    private void Run()
    {
        var trimNewline = false; // after %} or #} (trim_blocks)
        var stripWhitespace = false; // after -%}, -}} or -#}
        while (_pos < _end)
        {
            var textStart = _pos;
            var opener = FindOpener(_pos);
            var textEnd = opener < 0 ? _end : opener;
            var from = textStart;
            if (trimNewline && from < textEnd && _source[from] == '\n')
                from++;
            if (stripWhitespace)
                while (from < textEnd && char.IsWhiteSpace(_source[from]))
                    from++;
            var to = textEnd;
            if (opener >= 0)
            {
                var kind = _source[opener + 1];
                if (kind is '%' or '#')
                {
                    // lstrip_blocks: only when nothing but spaces and tabs stand between the line start and the tag.
                    var j = opener;
                    while (j > textStart && _source[j - 1] is ' ' or '\t')
                        j--;
                    if (j == 0 || _source[j - 1] == '\n')
                        to = Math.Max(from, j);
                }
                if (opener + 2 < _end && _source[opener + 2] == '-')
                    while (to > from && char.IsWhiteSpace(_source[to - 1]))
                        to--;
            }
            if (to > from)
                _tokens.Add(new JinjaToken(JinjaTokenKind.Text, _source[from..to], LineAt(from)));
            if (opener < 0)
                break;
            var close = _source[opener + 1] switch
            {
                '#' => Comment(opener),
                '%' => Tag(opener, JinjaTokenKind.OpenStatement, "%}", JinjaTokenKind.CloseStatement),
                _ => Tag(opener, JinjaTokenKind.OpenExpression, "}}", JinjaTokenKind.CloseExpression),
            };
            stripWhitespace = close.Strip;
            trimNewline = !close.Strip && close.TrimsNewline;
        }
        _tokens.Add(new JinjaToken(JinjaTokenKind.End, "", LineAt(_end)));
    }

    private int FindOpener(int from)
    {
        for (var i = from; i + 1 < _end; i++)
            if (_source[i] == '{' && _source[i + 1] is '%' or '{' or '#')
                return i;
        return -1;
    }

    private (bool Strip, bool TrimsNewline) Comment(int opener)
    {
        var close = _source.IndexOf("#}", opener + 2, StringComparison.Ordinal);
        if (close < 0 || close + 2 > _end)
            throw Syntax(opener, "{#", "the comment opened here is never closed; end it with #}");
        _pos = close + 2;
        return (_source[close - 1] == '-' && close - 1 > opener + 1, true);
    }

    private (bool Strip, bool TrimsNewline) Tag(int opener, JinjaTokenKind openKind, string closer, JinjaTokenKind closeKind)
    {
        var openLine = LineAt(opener);
        _tokens.Add(new JinjaToken(openKind, _source.Substring(opener, 2), openLine));
        _pos = opener + 2;
        if (_pos < _end && _source[_pos] == '-')
            _pos++;
        var braceDepth = 0;
        while (true)
        {
            while (_pos < _end && char.IsWhiteSpace(_source[_pos]))
                _pos++;
            if (_pos >= _end)
                throw Syntax(opener, _source.Substring(opener, 2), $"the tag opened here is never closed; end it with {closer}");
            if (braceDepth == 0 || closer == "%}")
            {
                if (At("-" + closer))
                {
                    _tokens.Add(new JinjaToken(closeKind, closer, LineAt(_pos)));
                    _pos += 3;
                    return (true, closer == "%}");
                }
                if (At(closer))
                {
                    _tokens.Add(new JinjaToken(closeKind, closer, LineAt(_pos)));
                    _pos += 2;
                    return (false, closer == "%}");
                }
            }
            var c = _source[_pos];
            var line = LineAt(_pos);
            if (c is '\'' or '"')
            {
                _tokens.Add(new JinjaToken(JinjaTokenKind.String, ReadString(c), line));
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                _tokens.Add(ReadNumber(line));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = _pos;
                while (_pos < _end && (char.IsAsciiLetterOrDigit(_source[_pos]) || _source[_pos] == '_'))
                    _pos++;
                _tokens.Add(new JinjaToken(JinjaTokenKind.Name, _source[start.._pos], line));
                continue;
            }
            var op = Operators.FirstOrDefault(At)
                     ?? throw Syntax(_pos, c.ToString(), $"unexpected character '{c}' inside a tag");
            if (op == "{")
                braceDepth++;
            else if (op == "}")
                braceDepth--;
            _tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, line));
            _pos += op.Length;
        }
    }

    private bool At(string text) => _pos + text.Length <= _end && string.CompareOrdinal(_source, _pos, text, 0, text.Length) == 0;

    private JinjaToken ReadNumber(int line)
    {
        var start = _pos;
        while (_pos < _end && char.IsAsciiDigit(_source[_pos]))
            _pos++;
        // "matrix.0.1" is two attribute accesses, not a float: a fraction only follows a number that does not follow a dot.
        var afterDot = _tokens.Count > 0 && _tokens[^1].IsOperator(".");
        if (!afterDot && _pos + 1 < _end && _source[_pos] == '.' && char.IsAsciiDigit(_source[_pos + 1]))
        {
            _pos++;
            while (_pos < _end && char.IsAsciiDigit(_source[_pos]))
                _pos++;
            return new JinjaToken(JinjaTokenKind.Float, _source[start.._pos], line);
        }
        return new JinjaToken(JinjaTokenKind.Integer, _source[start.._pos], line);
    }

    private string ReadString(char quote)
    {
        var start = _pos;
        _pos++;
        var text = new StringBuilder();
        while (true)
        {
            if (_pos >= _end)
                throw Syntax(start, "string", $"the string opened here is never closed; end it with {quote}");
            var c = _source[_pos++];
            if (c == quote)
                return text.ToString();
            if (c != '\\' || _pos >= _end)
            {
                text.Append(c);
                continue;
            }
            var e = _source[_pos++];
            switch (e)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'r': text.Append('\r'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'v': text.Append('\v'); break;
                case '\'' or '"' or '\\': text.Append(e); break;
                case 'x' or 'u':
                    var length = e == 'x' ? 2 : 4;
                    if (_pos + length > _end || !int.TryParse(_source.AsSpan(_pos, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        throw Syntax(_pos - 2, "\\" + e, $"invalid escape \\{e} in a string: it needs {length} hexadecimal digits");
                    text.Append((char)code);
                    _pos += length;
                    break;
                default:
                    // Python keeps an unknown escape as written.
                    text.Append('\\').Append(e);
                    break;
            }
        }
    }

    private ChatTemplateException Syntax(int position, string construct, string message) =>
        new(ChatTemplateErrorKind.Syntax, LineAt(position), construct, message);
}
