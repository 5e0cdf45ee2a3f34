using System.Text;
using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Models;

/// <summary>Every malformed model input gets a typed error naming the file, the tensor and what was expected.</summary>
public sealed class MalformedModelTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "reasoning-malformed-" + Guid.NewGuid().ToString("N"));

    public MalformedModelTests()
    {
        Directory.CreateDirectory(_dir);
        foreach (var file in Directory.GetFiles(RepoPaths.FixtureModel("tiny-llama")))
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ModelFile => Path.Combine(_dir, "model.safetensors");

    private ModelFormatException LoadFails()
    {
        var act = () => TransformerModel.Load(_dir).Dispose();
        return act.Should().Throw<ModelFormatException>().Which;
    }

    [Fact]
    public void A_config_that_is_not_json_is_named()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), "{ not json");
        LoadFails().Message.Should().Contain("config.json").And.Contain("not valid JSON");
    }

    [Fact]
    public void An_unsupported_architecture_lists_the_supported_ones()
    {
        var text = File.ReadAllText(Path.Combine(_dir, "config.json")).Replace("LlamaForCausalLM", "MambaForCausalLM");
        File.WriteAllText(Path.Combine(_dir, "config.json"), text);
        LoadFails().Message.Should().Contain("MambaForCausalLM").And.Contain("Qwen2ForCausalLM");
    }

    [Fact]
    public void A_header_longer_than_the_file_is_reported()
    {
        var bytes = File.ReadAllBytes(ModelFile);
        BitConverter.GetBytes((ulong)bytes.Length * 2).CopyTo(bytes, 0);
        File.WriteAllBytes(ModelFile, bytes);
        LoadFails().Message.Should().Contain("model.safetensors").And.Contain("header claims");
    }

    [Fact]
    public void Truncated_data_names_the_tensor_that_runs_past_the_end()
    {
        var bytes = File.ReadAllBytes(ModelFile);
        File.WriteAllBytes(ModelFile, bytes[..(bytes.Length - 100)]);
        var error = LoadFails();
        error.TensorName.Should().NotBeNull();
        error.Message.Should().Contain("truncated");
    }

    [Fact]
    public void A_missing_tensor_is_named_with_its_expected_shape()
    {
        RewriteTensors(tensors => tensors.Where(t => t.Name != "model.layers.1.mlp.up_proj.weight"));
        var error = LoadFails();
        error.TensorName.Should().Be("model.layers.1.mlp.up_proj.weight");
        error.Message.Should().Contain("missing").And.Contain("[128, 64]");
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_says_what_the_config_expects()
    {
        RewriteTensors(tensors => tensors.Select(t => t.Name == "model.layers.0.self_attn.o_proj.weight"
            ? t with { Shape = [32, 128] } : t));
        LoadFails().Message.Should().Contain("model.layers.0.self_attn.o_proj.weight").And.Contain("[32, 128]").And.Contain("config expects [64, 64]");
    }

    [Fact]
    public void An_unsupported_dtype_is_named()
    {
        var bytes = File.ReadAllBytes(ModelFile);
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        int at = header.IndexOf("\"F32\"", StringComparison.Ordinal);
        var patched = header[..at] + "\"I32\"" + header[(at + 5)..];
        Encoding.UTF8.GetBytes(patched).CopyTo(bytes, 8);
        File.WriteAllBytes(ModelFile, bytes);
        LoadFails().Message.Should().Contain("I32").And.Contain("F32, BF16 and F16");
    }

    [Fact]
    public void A_missing_weights_file_is_reported()
    {
        File.Delete(ModelFile);
        LoadFails().Message.Should().Contain("model.safetensors").And.Contain("not found");
    }

    [Fact]
    public void An_architecture_that_is_not_a_string_names_the_entry()
    {
        var text = File.ReadAllText(Path.Combine(_dir, "config.json")).Replace("\"LlamaForCausalLM\"", "0.5");
        File.WriteAllText(Path.Combine(_dir, "config.json"), text);
        LoadFails().Message.Should().Contain("config.json").And.Contain("'architectures[0]' is 0.5").And.Contain("expected a string");
    }

    [Fact]
    public void A_rope_scaling_type_that_is_not_a_string_is_reported()
    {
        var text = File.ReadAllText(Path.Combine(_dir, "config.json")).Replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": 3}");
        File.WriteAllText(Path.Combine(_dir, "config.json"), text);
        LoadFails().Message.Should().Contain("config.json").And.Contain("'rope_type' is 3").And.Contain("expected a string");
    }

    [Fact]
    public void Half_a_surrogate_pair_in_the_config_is_reported()
    {
        var text = File.ReadAllText(Path.Combine(_dir, "config.json")).Replace("\"model_type\": \"llama\"", "\"model_type\": \"llama\\ud800\"");
        File.WriteAllText(Path.Combine(_dir, "config.json"), text);
        LoadFails().Message.Should().Contain("config.json").And.Contain("half of a UTF-16 surrogate pair");
    }

    [Fact]
    public void A_rope_theta_too_large_for_a_double_is_reported()
    {
        var text = File.ReadAllText(Path.Combine(_dir, "config.json")).Replace("\"rope_theta\": 10000.0", "\"rope_theta\": 1e999");
        File.WriteAllText(Path.Combine(_dir, "config.json"), text);
        LoadFails().Message.Should().Contain("'rope_theta' is 1e999").And.Contain("expected a finite number");
    }

    [Fact]
    public void A_string_where_a_data_offset_belongs_names_the_tensor()
    {
        RewriteHeader(header => header.Replace("\"data_offsets\":[0,", "\"data_offsets\":[\"0\","));
        var error = LoadFails();
        error.TensorName.Should().Be("lm_head.weight");
        error.Message.Should().Contain("model.safetensors").And.Contain("invalid data_offsets [\"0\",");
    }

    [Fact]
    public void A_header_that_is_not_utf8_is_reported()
    {
        var bytes = File.ReadAllBytes(ModelFile);
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        int at = Encoding.UTF8.GetString(bytes, 8, headerLength).IndexOf("lm_head", StringComparison.Ordinal);
        bytes[8 + at] = 0xFF; // never valid in UTF-8; the header's length is unchanged
        File.WriteAllBytes(ModelFile, bytes);
        LoadFails().Message.Should().Contain("model.safetensors").And.Contain($"byte {8 + at} is not part of a UTF-8 character");
    }

    [Fact]
    public void A_shape_whose_size_overflows_is_reported()
    {
        RewriteHeader(header => header.Replace("\"shape\":[300,64]", "\"shape\":[4294967296,4294967296,4294967296]"));
        var error = LoadFails();
        error.TensorName.Should().Be("lm_head.weight");
        error.Message.Should().Contain("too large");
    }

    [Fact]
    public void A_shard_index_mapping_a_tensor_to_a_number_is_reported()
    {
        File.Delete(ModelFile);
        File.WriteAllText(Path.Combine(_dir, "model.safetensors.index.json"), """{"weight_map": {"lm_head.weight": 5}}""");
        var error = LoadFails();
        error.TensorName.Should().Be("lm_head.weight");
        error.Message.Should().Contain("model.safetensors.index.json").And.Contain("is mapped to 5");
    }

    [Fact]
    public void A_shard_index_that_is_not_an_object_is_reported()
    {
        File.Delete(ModelFile);
        File.WriteAllText(Path.Combine(_dir, "model.safetensors.index.json"), "[1, 2]");
        LoadFails().Message.Should().Contain("model.safetensors.index.json").And.Contain("weight_map");
    }

    /// <summary>Edits the JSON header of model.safetensors as text and writes it back with its new length; the data is kept.</summary>
    private void RewriteHeader(Func<string, string> change)
    {
        var bytes = File.ReadAllBytes(ModelFile);
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        var changed = Encoding.UTF8.GetBytes(change(header));
        changed.Should().NotEqual(Encoding.UTF8.GetBytes(header), "the edit must find its target in the header");
        File.WriteAllBytes(ModelFile, [.. BitConverter.GetBytes((ulong)changed.Length), .. changed, .. bytes[(8 + headerLength)..]]);
    }

    private void RewriteTensors(Func<IEnumerable<TensorToWrite>, IEnumerable<TensorToWrite>> change)
    {
        List<TensorToWrite> tensors;
        using (var file = SafetensorsFile.Open(ModelFile))
            tensors = file.Tensors.Values.Select(t => new TensorToWrite(t.Name, t.DType, t.Shape.ToArray(), file.GetBytes(t).ToArray())).ToList();
        var changed = change(tensors).Select(t =>
        {
            long needed = t.Shape.Aggregate(1L, (a, b) => a * b) * t.DType.SizeOf();
            return needed == t.Data.Length ? t : t with { Data = new byte[needed] };
        });
        SafetensorsWriter.Write(ModelFile, changed);
    }
}
