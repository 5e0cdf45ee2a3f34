using System.Globalization;
using System.Text.Json;
using Reasoning.Engine.Safetensors;
using Reasoning.Training.Io;

namespace Reasoning.Training;

/// <summary>Where a run writes and how often it checkpoints.</summary>
/// <param name="OutputDirectory">Receives checkpoint/, model/ (the export), train_log.jsonl and loss.svg.</param>
/// <param name="EosId">End-of-sequence id written to the exported configs.</param>
/// <param name="TokenizerJson">tokenizer.json copied into the export, or null.</param>
/// <param name="CheckpointEvery">Steps between checkpoints (0: only at the end or on cancellation).</param>
/// <param name="ExportDType">Dtype of the exported weights.</param>
public sealed record RunSettings(string OutputDirectory, int EosId, string? TokenizerJson, int CheckpointEvery = 200, TensorDType ExportDType = TensorDType.F32);

/// <summary>How a run ended.</summary>
/// <param name="Steps">Steps completed.</param>
/// <param name="Completed">False when it stopped on cancellation (a checkpoint was written).</param>
/// <param name="FinalLoss">Loss of the last step.</param>
/// <param name="ModelDirectory">The Hugging Face export, when the run completed.</param>
public sealed record RunSummary(long Steps, bool Completed, double FinalLoss, string? ModelDirectory);

/// <summary>
/// Drives a <see cref="Trainer"/> to its planned step count: one JSONL line per step (step, loss, lr, grad norm,
/// tokens/s, GFLOP/s, elapsed), the loss curve redrawn as SVG at each checkpoint, checkpoints every N steps and on
/// cancellation, and the Hugging Face export at the end.
/// </summary>
public static class TrainingRun
{
    /// <summary>The log's file name inside the output folder.</summary>
    public const string LogFile = "train_log.jsonl";

    /// <summary>Trains until the planned steps are done or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<RunSummary> RunAsync(Trainer trainer, RunSettings settings, IProgress<StepReport>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(settings.OutputDirectory);
        string logPath = Path.Combine(settings.OutputDirectory, LogFile);
        string checkpoint = Path.Combine(settings.OutputDirectory, "checkpoint");
        var curve = TrimLog(logPath, trainer.State.Step);
        double lastLoss = curve.Count > 0 ? curve[^1].Loss : double.NaN;
        await using var log = new StreamWriter(logPath, append: true);
        while (trainer.State.Step < trainer.Options.Steps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Save(trainer, checkpoint, settings, curve);
                return new RunSummary(trainer.State.Step, false, lastLoss, null);
            }
            var report = await Task.Run(trainer.Step, CancellationToken.None).ConfigureAwait(false);
            lastLoss = report.Loss;
            curve.Add((report.Step, report.Loss));
            await log.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["step"] = report.Step,
                ["loss"] = Math.Round(report.Loss, 6),
                ["lr"] = report.LearningRate,
                ["grad_norm"] = Math.Round(report.GradientNorm, 6),
                ["tokens"] = report.Tokens,
                ["tokens_per_s"] = Math.Round(report.TokensPerSecond, 1),
                ["gflops"] = Math.Round(report.Gflops, 2),
                ["elapsed"] = Math.Round(report.ElapsedSeconds, 3),
            })).ConfigureAwait(false);
            await log.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            progress?.Report(report);
            if (settings.CheckpointEvery > 0 && report.Step % settings.CheckpointEvery == 0 && report.Step < trainer.Options.Steps)
                Save(trainer, checkpoint, settings, curve);
        }
        Save(trainer, checkpoint, settings, curve);
        string model = Path.Combine(settings.OutputDirectory, "model");
        trainer.Export(model, settings.EosId, settings.TokenizerJson, settings.ExportDType);
        return new RunSummary(trainer.State.Step, true, lastLoss, model);
    }

    private static void Save(Trainer trainer, string checkpoint, RunSettings settings, List<(long Step, double Loss)> curve)
    {
        trainer.SaveCheckpoint(checkpoint);
        File.WriteAllText(Path.Combine(settings.OutputDirectory, "loss.svg"), LossCurveSvg.Render(curve, "training loss (completion tokens)"));
    }

    // Keeps the log lines of steps the checkpoint already holds, so a resumed run's curve has no duplicated steps.
    private static List<(long Step, double Loss)> TrimLog(string path, long upToStep)
    {
        var curve = new List<(long, double)>();
        if (!File.Exists(path))
            return curve;
        var kept = new List<string>();
        foreach (string line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            long step = doc.RootElement.GetProperty("step").GetInt64();
            if (step > upToStep)
                continue;
            kept.Add(line);
            curve.Add((step, doc.RootElement.GetProperty("loss").GetDouble()));
        }
        File.WriteAllLines(path, kept);
        return curve;
    }

    /// <summary>The progress line: step, loss, tokens/s, share of <paramref name="peakGflops"/>, ETA.</summary>
    public static string FormatProgress(StepReport r, double averageStepSeconds, double peakGflops) =>
        string.Create(CultureInfo.InvariantCulture,
            $"step {r.Step}/{r.TotalSteps}  loss {r.Loss:0.0000}  lr {r.LearningRate:0.0e+0}  {r.TokensPerSecond:N0} tok/s  {r.Gflops:0.0} GFLOP/s ({100 * r.Gflops / peakGflops:0}% of peak)  ETA {TimeSpan.FromSeconds(averageStepSeconds * (r.TotalSteps - r.Step)):hh\\:mm\\:ss}");
}
