using System.Runtime.InteropServices;
using Convert = Reasoning.Engine.Kernels.Convert;
using Reasoning.Engine.Safetensors;
using Reasoning.Training.Model;

namespace Reasoning.Training.Io;

/// <summary>Writes slices of flat parameter-shaped vectors as named safetensors tensors, and reads them back.</summary>
internal static class TensorFiles
{
    /// <summary>Writes every tensor of <paramref name="layout"/> from <paramref name="values"/> under <c>prefix + name</c>.</summary>
    public static IEnumerable<TensorToWrite> Tensors(ParameterLayout layout, float[] values, string prefix, TensorDType dtype)
    {
        foreach (var t in layout.Tensors)
        {
            var slice = values.AsSpan(t.Offset, t.Count);
            byte[] data;
            if (dtype == TensorDType.F32)
                data = MemoryMarshal.AsBytes(slice).ToArray();
            else if (dtype == TensorDType.BF16)
            {
                var bits = new ushort[t.Count];
                for (int i = 0; i < bits.Length; i++)
                    bits[i] = Convert.SingleToBF16(slice[i]);
                data = MemoryMarshal.AsBytes(bits.AsSpan()).ToArray();
            }
            else
                throw new TrainingException($"export dtype {dtype} is not supported; use F32 or BF16.");
            yield return new TensorToWrite(prefix + t.Name, dtype, t.Shape.Select(s => (long)s).ToArray(), data);
        }
    }

    /// <summary>Fills <paramref name="values"/> from the tensors named <c>prefix + name</c> in <paramref name="file"/>.</summary>
    public static void Read(SafetensorsFile file, ParameterLayout layout, float[] values, string prefix)
    {
        foreach (var t in layout.Tensors)
        {
            if (!file.Tensors.TryGetValue(prefix + t.Name, out var info))
                throw new TrainingException($"{file.FilePath}: tensor '{prefix + t.Name}' is missing; the checkpoint does not match the config.");
            if (info.ElementCount != t.Count)
                throw new TrainingException($"{file.FilePath}: tensor '{prefix + t.Name}' has shape {info.ShapeText}, the config expects [{string.Join(", ", t.Shape)}].");
            Convert.ToSingle(file.GetBytes(info), info.DType, values.AsSpan(t.Offset, t.Count));
        }
    }
}
