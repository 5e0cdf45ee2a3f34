"""Regenerates src/Engine/Tokenization/UnicodeNormalizationData.cs from Python's unicodedata.

Run from the repository root: python3 tests/Engine.Tests/TokenizerReference/unicode_normalization_data.py
The data are canonical decompositions (fully expanded), primary composites and combining classes.
"""
import textwrap
import unicodedata as u

OUT = "src/Engine/Tokenization/UnicodeNormalizationData.cs"


def canonical(c):
    d = u.decomposition(chr(c))
    if not d or d.startswith("<"):
        return None
    return [int(x, 16) for x in d.split()]


def full(c):
    d = canonical(c)
    if d is None:
        return [c]
    return [y for x in d for y in full(x)]


def literal(items):
    lines = textwrap.wrap(";".join(items), 110, break_on_hyphens=False)
    return "\n".join('        "%s" +' % line for line in lines)[:-2]


decompositions, compositions = [], []
for c in range(0x110000):
    if 0xD800 <= c <= 0xDFFF or 0xAC00 <= c <= 0xD7A3:
        continue
    d = canonical(c)
    if d is not None:
        decompositions.append("%X=%s" % (c, ",".join("%X" % x for x in full(c))))
        # A primary composite: a pair decomposition starting with a starter that NFC keeps.
        if len(d) == 2 and u.combining(chr(d[0])) == 0 and u.normalize("NFC", chr(c)) == chr(c):
            compositions.append("%X+%X=%X" % (d[0], d[1], c))

runs, current = [], None
for c in range(0x110000):
    k = 0 if 0xD800 <= c <= 0xDFFF else u.combining(chr(c))
    if current and current[2] == k and current[1] == c - 1:
        current[1] = c
    else:
        if current and current[2]:
            runs.append(current)
        current = [c, c, k]
if current and current[2]:
    runs.append(current)
classes = ["%X-%X:%d" % (a, b, k) if a != b else "%X:%d" % (a, k) for a, b, k in runs]

with open(OUT, "w") as f:
    f.write(f'''namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Unicode {u.unidata_version} data for canonical normalization (generated from Python's unicodedata; do not edit):
/// full canonical decompositions, primary composites and canonical combining classes, as hex text.
/// The runtime's own normalization is unavailable in globalization-invariant mode, which this project uses.
/// </summary>
internal static class UnicodeNormalizationData
{{
    /// <summary>"cp=d1,d2,...;" full canonical decompositions (Hangul syllables are algorithmic and absent).</summary>
    public const string Decompositions =
{literal(decompositions)};

    /// <summary>"first+second=composite;" for every primary composite (composition exclusions removed).</summary>
    public const string Compositions =
{literal(compositions)};

    /// <summary>"start-end:class;" runs of code points with a non-zero canonical combining class.</summary>
    public const string CombiningClasses =
{literal(classes)};
}}
''')
print(f"wrote {OUT}: {len(decompositions)} decompositions, {len(compositions)} composites, {len(classes)} class runs")
