namespace Reasoning.Engine.Safetensors;

/// <summary>Element types the engine reads from safetensors files.</summary>
public enum TensorDType
{
    /// <summary>IEEE 754 single precision.</summary>
    F32,
    /// <summary>bfloat16: the upper 16 bits of an f32.</summary>
    BF16,
    /// <summary>IEEE 754 half precision.</summary>
    F16,
}

/// <summary>Helpers on <see cref="TensorDType"/>.</summary>
public static class TensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this TensorDType type) => type == TensorDType.F32 ? 4 : 2;

    /// <summary>The name safetensors uses for the type.</summary>
    public static string ToSafetensorsName(this TensorDType type) => type switch
    {
        TensorDType.F32 => "F32",
        TensorDType.BF16 => "BF16",
        _ => "F16",
    };

    /// <summary>Parses a safetensors dtype name; null when the engine does not support it.</summary>
    public static TensorDType? TryParse(string name) => name switch
    {
        "F32" => TensorDType.F32,
        "BF16" => TensorDType.BF16,
        "F16" => TensorDType.F16,
        _ => null,
    };
}
