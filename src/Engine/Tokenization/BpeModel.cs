using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Byte-pair encoding: a word starts as one symbol per character and the pair of neighbours with the
/// lowest merge rank is merged, leftmost first, until no pair has a merge. Symbols live in a linked list
/// over arrays and candidate pairs in a priority queue keyed by (rank, position), so a word of n symbols
/// costs O(n log n). Results are cached per word.
/// </summary>
internal sealed class BpeModel
{
    private const int CacheCapacity = 200_000;
    private const int LongestCachedWord = 256;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly string?[] _idToToken;
    private readonly Dictionary<long, Merge> _merges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new();
    private int _cacheCount; // ConcurrentDictionary.Count takes every lock: far too slow to ask per word
    private readonly int? _unkId;
    private readonly int[]? _byteIds;
    private readonly bool _fuseUnk;
    private readonly bool _ignoreMerges;
    private readonly string _prefix;
    private readonly string _suffix;

    private readonly record struct Merge(int Rank, int NewId);

    private BpeModel(Dictionary<string, int> vocab, Dictionary<long, Merge> merges, int? unkId, int[]? byteIds,
        bool fuseUnk, bool ignoreMerges, string prefix, string suffix)
    {
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        _unkId = unkId;
        _byteIds = byteIds;
        _fuseUnk = fuseUnk;
        _ignoreMerges = ignoreMerges;
        _prefix = prefix;
        _suffix = suffix;
        _idToToken = new string?[vocab.Count == 0 ? 0 : vocab.Values.Max() + 1];
        foreach (var (token, id) in vocab)
            _idToToken[id] = token;
    }

    /// <summary>One more than the largest id of the model's vocabulary.</summary>
    public int Size => _idToToken.Length;

    /// <summary>The id of a vocabulary string, if it has one.</summary>
    public int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    /// <summary>The vocabulary string of an id, if it has one.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>Reads the "model" object of tokenizer.json.</summary>
    public static BpeModel Read(JsonElement model, JsonFields json)
    {
        const string path = "model";
        var type = model.TryGetProperty("type", out _) ? json.Type(model, path) : "BPE";
        if (type != "BPE")
            throw json.Error($"{path}.type", $"unsupported model type \"{type}\"; only BPE tokenizers are supported (WordPiece, Unigram and WordLevel are not)");
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw json.Error($"{path}.dropout", "BPE dropout is a training-time feature; set it to null for inference");

        var vocabElement = json.Object(model, "vocab", path);
        var vocab = new Dictionary<string, int>(vocabElement.GetPropertyCount(), StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
            vocab[entry.Name] = json.TokenId(entry.Value, $"{path}.vocab[\"{entry.Name}\"]");

        var prefix = json.OptionalString(model, "continuing_subword_prefix", path) ?? "";
        var merges = ReadMerges(json.Array(model, "merges", path), vocab, prefix, json);

        var unkToken = json.OptionalString(model, "unk_token", path);
        int? unkId = null;
        if (unkToken is not null)
            unkId = vocab.TryGetValue(unkToken, out var u) ? u
                : throw json.Error($"{path}.unk_token", $"\"{unkToken}\" is not in model.vocab; add it or set unk_token to null");

        int[]? byteIds = null;
        if (json.Bool(model, "byte_fallback", path, false))
        {
            byteIds = new int[256];
            for (var b = 0; b < 256; b++)
                byteIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        }
        return new BpeModel(vocab, merges, unkId, byteIds, json.Bool(model, "fuse_unk", path, false),
            json.Bool(model, "ignore_merges", path, false), prefix, json.OptionalString(model, "end_of_word_suffix", path) ?? "");
    }

    private static Dictionary<long, Merge> ReadMerges(JsonElement merges, Dictionary<string, int> vocab, string prefix, JsonFields json)
    {
        var lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        var table = new Dictionary<long, Merge>(merges.GetArrayLength());
        var rank = 0;
        var merged = new StringBuilder();
        foreach (var merge in merges.EnumerateArray())
        {
            var path = $"model.merges[{rank}]";
            string left, right;
            if (merge.ValueKind == JsonValueKind.String)
            {
                var text = merge.GetString()!;
                var space = text.IndexOf(' ');
                if (space <= 0 || space == text.Length - 1 || text.IndexOf(' ', space + 1) >= 0)
                    throw json.Error(path, $"expected \"left right\" (two tokens separated by one space), found \"{text}\"");
                left = text[..space];
                right = text[(space + 1)..];
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
            {
                left = json.String(merge[0], $"{path}[0]");
                right = json.String(merge[1], $"{path}[1]");
            }
            else
            {
                throw json.Error(path, $"expected \"left right\" or [\"left\", \"right\"], found {JsonFields.Describe(merge)}");
            }
            var leftId = lookup.TryGetValue(left, out var l) ? l : throw UnknownToken(json, path, left);
            var rightId = lookup.TryGetValue(right, out var r) ? r : throw UnknownToken(json, path, right);
            merged.Clear().Append(left).Append(right.AsSpan(right.StartsWith(prefix, StringComparison.Ordinal) ? prefix.Length : 0));
            var mergedText = merged.ToString();
            if (!lookup.TryGetValue(mergedText, out var newId))
                throw json.Error(path, $"merging \"{left}\" and \"{right}\" gives \"{mergedText}\", which is not in model.vocab");
            table.TryAdd(Key(leftId, rightId), new Merge(rank, newId));
            rank++;
        }
        return table;
    }

    private static Exception UnknownToken(JsonFields json, string path, string token) =>
        json.Error(path, $"the merge names \"{token}\", which is not in model.vocab; the merges and the vocabulary do not belong together");

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0)
            return;
        if (_ignoreMerges && _vocab.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }
        if (_cache.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var ids = MergeWord(word);
        if (word.Length <= LongestCachedWord && _cache.TryAdd(word, ids) && Interlocked.Increment(ref _cacheCount) >= CacheCapacity)
        {
            _cache.Clear();
            Interlocked.Exchange(ref _cacheCount, 0);
        }
        output.AddRange(ids);
    }

    private int[] MergeWord(string word)
    {
        var symbols = InitialSymbols(word);
        return symbols.Count <= ShortWord ? MergeShort(symbols) : MergeWithQueue(symbols);
    }

    /// <summary>Words up to this many symbols merge by scanning cached pair ranks: no queue, no heap arrays.</summary>
    internal const int ShortWord = 64;

    /// <summary>
    /// Merges a short word: the rank of the pair that starts at each symbol is kept, and each step merges the
    /// lowest (leftmost on a tie), then looks up only the two pairs the merge changed.
    /// </summary>
    internal int[] MergeShort(List<int> symbols)
    {
        var count = symbols.Count;
        if (count == 0)
            return [];
        Span<int> ids = stackalloc int[count];
        Span<int> next = stackalloc int[count];
        Span<int> prev = stackalloc int[count];
        Span<int> rank = stackalloc int[count];
        Span<int> merged = stackalloc int[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = symbols[i];
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        for (var i = 0; i < count; i++)
            PairRank(i, ids, next, rank, merged);
        var remaining = count;
        while (true)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i >= 0; i = next[i])
            {
                if (rank[i] < bestRank)
                {
                    bestRank = rank[i];
                    best = i;
                }
            }
            if (best < 0)
                break;
            var right = next[best];
            ids[best] = merged[best];
            next[best] = next[right];
            if (next[right] >= 0)
                prev[next[right]] = best;
            remaining--;
            PairRank(best, ids, next, rank, merged);
            if (prev[best] >= 0)
                PairRank(prev[best], ids, next, rank, merged);
        }
        var result = new int[remaining];
        for (int i = 0, k = 0; i >= 0; i = next[i])
            result[k++] = ids[i];
        return result;
    }

    private void PairRank(int left, Span<int> ids, Span<int> next, Span<int> rank, Span<int> merged)
    {
        var right = next[left];
        if (right >= 0 && _merges.TryGetValue(Key(ids[left], ids[right]), out var merge))
        {
            rank[left] = merge.Rank;
            merged[left] = merge.NewId;
        }
        else
        {
            rank[left] = int.MaxValue;
        }
    }

    /// <summary>Merges a word of any length with a priority queue of candidate pairs keyed by (rank, position).</summary>
    internal int[] MergeWithQueue(List<int> symbols)
    {
        var count = symbols.Count;
        if (count == 0)
            return [];
        var ids = symbols.ToArray();
        var prev = new int[count];
        var next = new int[count];
        for (var i = 0; i < count; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        var queue = new PriorityQueue<int, long>();
        for (var i = 0; i + 1 < count; i++)
            Push(queue, ids, next, i);

        while (queue.TryDequeue(out var left, out var priority))
        {
            var right = next[left];
            if (ids[left] < 0 || right < 0 || !_merges.TryGetValue(Key(ids[left], ids[right]), out var merge)
                || merge.Rank != (int)(priority >> 32))
                continue; // stale: one of the two symbols was merged since this pair was queued
            ids[left] = merge.NewId;
            ids[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0)
                prev[next[right]] = left;
            if (prev[left] >= 0)
                Push(queue, ids, next, prev[left]);
            Push(queue, ids, next, left);
        }

        var result = new List<int>(count);
        for (var i = 0; i >= 0; i = next[i])
            result.Add(ids[i]);
        return result.ToArray();
    }

    private void Push(PriorityQueue<int, long> queue, int[] ids, int[] next, int left)
    {
        var right = next[left];
        if (right >= 0 && _merges.TryGetValue(Key(ids[left], ids[right]), out var merge))
            queue.Enqueue(left, ((long)merge.Rank << 32) | (uint)left);
    }

    /// <summary>One symbol per character; unknown characters become their UTF-8 byte tokens or the unknown token.</summary>
    internal List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        var lastWasUnk = false;
        for (var i = 0; i < word.Length;)
        {
            var length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var character = word.AsSpan(i, length);
            var isFirst = i == 0;
            i += length;
            if (TryLookupSymbol(character, isFirst, i == word.Length, out var id))
            {
                symbols.Add(id);
                lastWasUnk = false;
            }
            else if (_byteIds is not null && TryAddBytes(character, symbols))
            {
                lastWasUnk = false;
            }
            else if (_unkId is { } unk)
            {
                if (!(_fuseUnk && lastWasUnk))
                    symbols.Add(unk);
                lastWasUnk = true;
            }
        }
        return symbols;
    }

    private bool TryLookupSymbol(ReadOnlySpan<char> character, bool isFirst, bool isLast, out int id)
    {
        if (_prefix.Length == 0 && _suffix.Length == 0)
            return _vocabBySpan.TryGetValue(character, out id);
        var text = (isFirst ? "" : _prefix) + character.ToString() + (isLast ? _suffix : "");
        return _vocab.TryGetValue(text, out id);
    }

    private bool TryAddBytes(ReadOnlySpan<char> character, List<int> symbols)
    {
        Span<byte> bytes = stackalloc byte[4];
        var length = Encoding.UTF8.GetBytes(character, bytes);
        for (var b = 0; b < length; b++)
            if (_byteIds![bytes[b]] < 0)
                return false;
        for (var b = 0; b < length; b++)
            symbols.Add(_byteIds![bytes[b]]);
        return true;
    }
}
