using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;

namespace Reasoning.Fuzz;

/// <summary>Where the harness finds its inputs and how it runs the command line.</summary>
public sealed record FuzzSettings
{
    /// <summary>A fixture model folder (tests/fixtures/models/tiny-llama): the model files damaged and the engine of the APR replays.</summary>
    public required string FixtureModelDirectory { get; init; }
    /// <summary>Runs <c>reason</c> in-process; null leaves the command-line category out.</summary>
    public Func<string[], CliRun>? RunCli { get; init; }
    /// <summary>Longest a case may run before it counts as a hang.</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The categories to run (null: all available).</summary>
    public IReadOnlyList<string>? Categories { get; init; }
}

/// <summary>
/// Runs fuzz cases: case i of seed s draws everything from its own seeded stream, so any case can be run again
/// alone; the categories take turns. Each case ends in a result or a typed error, or is reported as a crash, a hang
/// (past <see cref="FuzzSettings.CaseTimeout"/>) or a page leak.
/// </summary>
public sealed class FuzzHarness : IDisposable
{
    private readonly FuzzSettings _settings;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "reason-fuzz-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<TransformerModel> _model;
    private InferenceEngine? _engine;
    private readonly List<IFuzzCategory> _categories;

    /// <summary>The names of every category, in the order cases take them.</summary>
    public static IReadOnlyList<string> AllCategories { get; } = ["apr-format", "apr-runtime", "countdown-trace", "model-files", "cli-args"];

    /// <summary>Creates a harness.</summary>
    public FuzzHarness(FuzzSettings settings)
    {
        _settings = settings;
        _model = new(() => TransformerModel.Load(settings.FixtureModelDirectory));
        var all = new List<IFuzzCategory>
        {
            new AprFormatCases(), new AprRuntimeCases(Engine), new CountdownTraceCases(),
            new ModelFileCases(settings.FixtureModelDirectory, _work),
        };
        if (settings.RunCli is { } run)
            all.Add(new CliArgumentCases(run, settings.FixtureModelDirectory, _work));
        var chosen = settings.Categories ?? AllCategories;
        foreach (var name in chosen)
            if (!AllCategories.Contains(name))
                throw new ArgumentException($"unknown fuzz category '{name}'; the categories are {string.Join(", ", AllCategories)}.");
        _categories = all.Where(c => chosen.Contains(c.Name)).ToList();
        if (_categories.Count == 0)
            throw new ArgumentException("no fuzz category to run (the command-line category needs a runner).");
        Directory.CreateDirectory(_work);
    }

    /// <summary>The categories this harness runs.</summary>
    public IReadOnlyList<string> Categories => _categories.Select(c => c.Name).ToList();

    // One engine for the APR replays; replaced after a hang, whose abandoned case may still hold its pages.
    private InferenceEngine Engine() => _engine ??= new InferenceEngine(_model.Value, new EngineOptions { KvMemoryBytes = 16 << 20, PageSize = 16 });

    /// <summary>Runs cases <paramref name="first"/> .. <paramref name="first"/> + <paramref name="cases"/> − 1 of <paramref name="seed"/>.</summary>
    public async Task<FuzzReport> RunAsync(int cases, int seed, int first = 0, Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var report = new FuzzReport(seed);
        for (int i = first; i < first + cases; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            report.Add(await RunCaseAsync(i, seed).ConfigureAwait(false));
            progress?.Invoke(i - first + 1);
        }
        report.Finish();
        return report;
    }

    /// <summary>Runs case <paramref name="index"/> of <paramref name="seed"/> alone.</summary>
    public async Task<FuzzOutcome> RunCaseAsync(int index, int seed)
    {
        var category = _categories[index % _categories.Count];
        var random = new Random(CaseSeed(seed, index));
        using var cts = new CancellationTokenSource();
        string input = $"case {index} of seed {seed}";
        var running = Task.Run(() => category.RunAsync(random, described => Volatile.Write(ref input, described), cts.Token));
        FuzzOutcome outcome;
        try
        {
            outcome = await running.WaitAsync(_settings.CaseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            cts.Cancel();
            _engine = null;   // the abandoned case may still hold pages of this engine (left to the GC, not disposed under it)
            outcome = new FuzzOutcome(category.Name, OutcomeKind.Hang, $"over {_settings.CaseTimeout.TotalSeconds:F0} s", Volatile.Read(ref input));
        }
        catch (Exception e)
        {
            outcome = ErrorKinds.Classify(category.Name, e, Volatile.Read(ref input));
        }
        outcome = outcome with { Input = $"[case {index}] {outcome.Input}" };
        return outcome.Kind is OutcomeKind.Crash or OutcomeKind.Hang or OutcomeKind.Leak
            ? outcome with { KnownIssue = KnownIssues.Match(outcome) }
            : outcome;
    }

    // A fixed mix (SplitMix64's finalizer) of the run's seed and the case's index: the same in every process, unlike
    // HashCode.Combine, so a case found by one run is found again by the next.
    private static int CaseSeed(int seed, int index)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    /// <summary>Deletes the harness's temporary files and its engine.</summary>
    public void Dispose()
    {
        _engine?.Dispose();
        if (_model.IsValueCreated)
            _model.Value.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }
}
