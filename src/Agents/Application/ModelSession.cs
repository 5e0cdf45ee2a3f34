using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Threads;

namespace Reasoning.Agents.Application;

/// <summary>
/// A model folder loaded for one request: weights, tokenizer and an engine. Each request loads its own, as the CLI
/// does: an engine's KV pool belongs to one run, and the shipped models load in milliseconds.
/// </summary>
public sealed class ModelSession : IDisposable
{
    private ModelSession(string directory, TransformerModel model, TokenizerCodec codec, InferenceEngine engine)
    {
        Directory = directory;
        Model = model;
        Codec = codec;
        Engine = engine;
    }

    /// <summary>The model folder.</summary>
    public string Directory { get; }
    /// <summary>The loaded weights.</summary>
    public TransformerModel Model { get; }
    /// <summary>The model's tokenizer as the threads see it.</summary>
    public TokenizerCodec Codec { get; }
    /// <summary>The engine serving this request.</summary>
    public InferenceEngine Engine { get; }
    /// <summary>The model's context window in tokens.</summary>
    public int Window => Model.Config.MaxPositionEmbeddings;

    /// <summary>Loads <paramref name="directory"/> with <paramref name="settings"/>.</summary>
    /// <exception cref="Engine.Errors.ReasoningException">The folder is not a readable model.</exception>
    public static ModelSession Open(string directory, EngineSettings settings)
    {
        var model = TransformerModel.Load(directory);
        try
        {
            var codec = new TokenizerCodec(Tokenizer.Load(directory));
            var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = settings.KvMemoryBytes, Threads = settings.Threads, KvDType = settings.KvDType });
            return new ModelSession(directory, model, codec, engine);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Engine.Dispose();
        Model.Dispose();
    }
}
