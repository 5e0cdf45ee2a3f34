namespace Reasoning.Engine.Safetensors;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">The tensor's name, e.g. <c>model.layers.0.mlp.up_proj.weight</c>.</param>
/// <param name="DType">Its element type.</param>
/// <param name="Shape">Its dimensions, outermost first.</param>
/// <param name="DataOffset">Byte offset of its data from the start of the file.</param>
/// <param name="ByteLength">Length of its data in bytes.</param>
/// <param name="FilePath">The file that holds it.</param>
public sealed record TensorInfo(string Name, TensorDType DType, IReadOnlyList<long> Shape, long DataOffset, long ByteLength, string FilePath)
{
    /// <summary>Number of elements (product of the shape).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape written as <c>[a, b]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
