using System.Diagnostics;
using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;
using Reasoning.Training.Data;
using Reasoning.Training.Io;
using Reasoning.Training.Model;
using Reasoning.Training.Optim;

namespace Reasoning.Training;

/// <summary>
/// Trains a Llama model on tokenized examples, one optimizer step at a time: draw a packed batch, accumulate the
/// gradient over its micro-batches, clip, apply AdamW with the warmup + cosine rate. The run is deterministic:
/// the same data, options and seed give bitwise the same weights, and a run resumed from a checkpoint continues
/// exactly as if it had never stopped.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingOptions _options;
    private readonly BatchSampler _sampler;
    private readonly TrainingPass _pass;
    private readonly AdamW _adam;
    private readonly float[] _grads;
    private readonly LearningRateSchedule _schedule;
    private readonly double _matmulParameters;
    private TrainingState _state;

    /// <summary>The parameters' layout and the model's config.</summary>
    public ParameterLayout Layout { get; }
    /// <summary>The flat f32 parameter vector (master weights).</summary>
    public float[] Weights { get; }
    /// <summary>Where the run stands.</summary>
    public TrainingState State => _state with { Epoch = _sampler.Cursor.Epoch, Position = _sampler.Cursor.Position };
    /// <summary>The options the run uses.</summary>
    public TrainingOptions Options => _options;

    private Trainer(ModelConfig config, IReadOnlyList<TrainingExample> data, TrainingOptions options, float[]? weights, float[]? m, float[]? v, TrainingState? state)
    {
        Layout = new ParameterLayout(config);
        _options = options;
        int context = config.MaxPositionEmbeddings;
        var fitting = data.Where(e => e.InputLength <= context && e.InputLength > 0).ToList();
        if (fitting.Count == 0)
            throw new TrainingException($"no example fits the model's context of {context} positions.");
        foreach (var e in fitting)
            foreach (int id in e.Tokens)
                if ((uint)id >= (uint)config.VocabSize)
                    throw new TrainingException($"token id {id} is outside vocab_size {config.VocabSize}; make the config's vocab_size cover the tokenizer.");
        _sampler = new BatchSampler(fitting, options.Seed);
        int micro = Math.Max(options.MicroBatchTokens, fitting.Max(e => e.InputLength));
        _pass = new TrainingPass(Layout, Math.Min(micro, Math.Max(options.BatchTokens, fitting.Max(e => e.InputLength))), context, options.Threads);
        _adam = new AdamW(Layout, options.AdamW, options.Threads);
        _grads = new float[Layout.Count];
        _schedule = new LearningRateSchedule(options.LearningRate, options.WarmupSteps, options.Steps, options.MinLearningRateRatio);
        Weights = weights ?? new float[Layout.Count];
        if (weights is null)
            Layout.Initialize(Weights, options.Seed, options.InitStd);
        if (m is not null && v is not null)
        {
            m.CopyTo(_adam.M, 0);
            v.CopyTo(_adam.V, 0);
        }
        if (state is not null && state.Examples != 0 && state.Examples != fitting.Count)
            throw new TrainingException($"the checkpoint was trained on {state.Examples} usable examples but this data has {fitting.Count}; " +
                "resume with the same data file (and context), or start a new run.");
        _state = (state ?? new TrainingState { Seed = options.Seed }) with { Examples = fitting.Count };
        _state = _state with { PeakLearningRate = options.LearningRate, WarmupSteps = options.WarmupSteps, TotalSteps = options.Steps };
        _adam.Steps = _state.Step;
        _sampler.Cursor = new DataCursor(_state.Epoch, _state.Position);
        _matmulParameters = Layout.Tensors.Where(t => t.Shape.Length == 2 && (t.Offset != Layout.Embeddings || config.TieWordEmbeddings)).Sum(t => (double)t.Count);
    }

    /// <summary>Starts a run from freshly initialized weights.</summary>
    /// <exception cref="TrainingException">The config is not trainable, or the data does not fit it.</exception>
    public static Trainer Create(ModelConfig config, IReadOnlyList<TrainingExample> data, TrainingOptions options) =>
        new(config, data, options, null, null, null, null);

    /// <summary>Continues the run saved in <paramref name="checkpointDirectory"/>; its seed replaces the options' seed.</summary>
    /// <exception cref="TrainingException">The checkpoint is missing or inconsistent.</exception>
    public static Trainer Resume(string checkpointDirectory, IReadOnlyList<TrainingExample> data, TrainingOptions options)
    {
        var (config, weights, m, v, state) = Checkpoint.Load(checkpointDirectory);
        return new Trainer(config, data, options with { Seed = state.Seed }, weights, m, v, state);
    }

    /// <summary>
    /// Starts a run from the weights of an exported model (a Hugging Face folder as <see cref="Export"/> writes it, f32
    /// or bf16): a warm start with fresh optimizer moments and a new schedule, for continuing a model whose
    /// checkpoint is gone (the repository ships only exports). The folder's config.json is the run's shape.
    /// </summary>
    /// <exception cref="TrainingException">The folder has no config.json or model.safetensors, or a tensor is missing or misshapen.</exception>
    public static Trainer FromModel(string modelDirectory, IReadOnlyList<TrainingExample> data, TrainingOptions options)
    {
        string configPath = Path.Combine(modelDirectory, "config.json");
        string weightsPath = Path.Combine(modelDirectory, "model.safetensors");
        if (!File.Exists(configPath) || !File.Exists(weightsPath))
            throw new TrainingException($"{modelDirectory}: expected config.json and model.safetensors (a model folder exported by reason train).");
        var config = ModelConfig.Load(configPath);
        var layout = new ParameterLayout(config);
        var weights = new float[layout.Count];
        using (var file = SafetensorsFile.Open(weightsPath))
            TensorFiles.Read(file, layout, weights, "");
        return new Trainer(config, data, options, weights, null, null, new TrainingState { Seed = options.Seed, InitializedFrom = Path.GetFullPath(modelDirectory) });
    }

    /// <summary>Runs one optimizer step and reports it.</summary>
    public StepReport Step()
    {
        var clock = Stopwatch.StartNew();
        double lr = _schedule.At(_state.Step);
        Array.Clear(_grads);
        var examples = _sampler.Next(_options.BatchTokens);
        long targets = examples.Sum(e => (long)(e.Tokens.Length - e.FirstTarget));
        float weight = targets > 0 ? 1f / targets : 0f;
        double lossSum = 0, flops = 0;
        int tokens = 0;
        foreach (var micro in BatchSampler.Split(examples, _pass.MaxTokens))
        {
            var batch = PackedBatch.Pack(micro.Select(e => (e.Tokens, e.FirstTarget)).ToList(), weight);
            lossSum += _pass.ForwardBackward(Weights, _grads, batch).LossSum;
            tokens += batch.Tokens;
        }
        foreach (var e in examples)
            flops += 6.0 * Layout.Config.QueryWidth * Layout.Config.NumLayers * (double)e.InputLength * e.InputLength;
        flops += 6.0 * _matmulParameters * tokens;
        double norm = GradientClipping.Clip(_grads, _options.GradientClip, _options.Threads);
        _adam.Update(Weights, _grads, (float)lr);
        double seconds = clock.Elapsed.TotalSeconds;
        _state = _state with { Step = _state.Step + 1, Tokens = _state.Tokens + tokens, ElapsedSeconds = _state.ElapsedSeconds + seconds };
        return new StepReport(_state.Step, _options.Steps, targets > 0 ? lossSum / targets : 0, lr, norm, tokens, seconds, flops, _state.ElapsedSeconds);
    }

    /// <summary>Writes a resumable checkpoint to <paramref name="directory"/>.</summary>
    public void SaveCheckpoint(string directory) => Checkpoint.Save(directory, Layout, Weights, _adam.M, _adam.V, State);

    /// <summary>Writes the model in Hugging Face layout (see <see cref="HuggingFaceExport"/>).</summary>
    public void Export(string directory, int eosId, string? tokenizerJson, TensorDType dtype = TensorDType.F32) =>
        HuggingFaceExport.Write(directory, Layout, Weights, eosId, tokenizerJson, dtype);

    /// <summary>Logits [tokens × vocab] of the current weights for one sequence (the trainer's own forward).</summary>
    public float[] Logits(IReadOnlyList<int> tokens)
    {
        var ids = tokens.Append(0).ToArray();
        var pass = new TrainingPass(Layout, tokens.Count, Math.Max(tokens.Count, 1), _options.Threads);
        return pass.Logits(Weights, PackedBatch.Pack([(ids, ids.Length)], 0f));
    }
}
