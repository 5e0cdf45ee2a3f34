namespace Reasoning.Engine.Errors;

/// <summary>
/// A model folder or file is malformed: a missing or truncated file, a tensor of the wrong shape or dtype,
/// an unsupported architecture, a config that is not JSON.
/// </summary>
public sealed class ModelFormatException : ReasoningException
{
    /// <summary>The file that was being read.</summary>
    public string FilePath { get; }

    /// <summary>The tensor concerned, when the problem is about one tensor.</summary>
    public string? TensorName { get; }

    /// <summary>Creates the exception; the message is prefixed with the file's name (and the tensor's, if given).</summary>
    public ModelFormatException(string filePath, string message, string? tensorName = null, Exception? inner = null)
        : base(Format(filePath, tensorName, message), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    private static string Format(string filePath, string? tensorName, string message) =>
        tensorName is null
            ? $"{filePath}: {message}"
            : $"{filePath}: tensor '{tensorName}' {message}";
}
