using Reasoning.Engine.Generation;
using Reasoning.Threads;

namespace Reasoning.Fuzz;

/// <summary>
/// The fixture models' codec for replays: one token a character, ids 0–255 the Latin-1 characters; any other character
/// encodes as '?', as a model with this vocabulary could only have written that.
/// </summary>
internal sealed class Latin1Codec : ITextCodec
{
    public IReadOnlyList<int> EndOfSequenceIds => [];

    public IReadOnlyList<int> Encode(string text) => text.Select(c => c < 256 ? (int)c : '?').ToArray();

    public string Decode(IReadOnlyList<int> ids) => new(ids.Select(id => id < 256 ? (char)id : '?').ToArray());

    public ITextStreamDecoder CreateStreamDecoder() => new Decoder();

    /// <summary>What a model with this codec could have written for <paramref name="text"/>.</summary>
    public string Representable(string text) => Decode(Encode(text));

    private sealed class Decoder : ITextStreamDecoder
    {
        public string Push(int id) => id < 256 ? ((char)id).ToString() : "?";

        public string Flush() => "";
    }
}
