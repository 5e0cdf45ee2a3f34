using System.Text;

using Reasoning.Engine.Generation;
using Reasoning.Threads;

namespace Reasoning.TestSupport;

/// <summary>
/// A test codec for the fixture models, whose ids 0–255 are the raw bytes: text is its UTF-8 bytes; any other id
/// decodes to a bracketed number. Independent of the engine's tokenizer.
/// </summary>
public sealed class ByteCodec : ITextCodec
{
    public IReadOnlyList<int> EndOfSequenceIds { get; init; } = [297];

    public IReadOnlyList<int> Encode(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();

    public string Decode(IReadOnlyList<int> ids) => Encoding.UTF8.GetString(ids.SelectMany(Bytes).ToArray());

    public ITextStreamDecoder CreateStreamDecoder() => new Decoder();

    private static byte[] Bytes(int id) => id < 256 ? [(byte)id] : Encoding.UTF8.GetBytes($"⟨{id}⟩");

    private sealed class Decoder : ITextStreamDecoder
    {
        private readonly List<byte> _pending = [];

        public string Push(int id)
        {
            _pending.AddRange(Bytes(id));
            int complete = CompleteLength(_pending);
            var text = Encoding.UTF8.GetString(_pending.GetRange(0, complete).ToArray());
            _pending.RemoveRange(0, complete);
            return text;
        }

        public string Flush()
        {
            var text = Encoding.UTF8.GetString(_pending.ToArray());
            _pending.Clear();
            return text;
        }

        private static int CompleteLength(List<byte> bytes)
        {
            // Back off over a trailing incomplete UTF-8 sequence (at most 3 bytes).
            for (int back = 1; back <= Math.Min(3, bytes.Count); back++)
            {
                byte b = bytes[^back];
                if ((b & 0xC0) == 0x80)
                    continue;
                int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return need > back ? bytes.Count - back : bytes.Count;
            }
            return bytes.Count;
        }
    }
}
