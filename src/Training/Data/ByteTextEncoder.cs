using System.Text;

namespace Reasoning.Training.Data;

/// <summary>A tokenizer-free encoder: one id per UTF-8 byte (0–255) and EOS = 256. For tests and quick experiments.</summary>
public sealed class ByteTextEncoder : ITextEncoder
{
    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();

    /// <inheritdoc/>
    public int EosId => 256;

    /// <inheritdoc/>
    public int VocabSize => 257;
}
