using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Reasoning.Fuzz;

/// <summary>The counts of a fuzz run: cases, outcomes by category and kind, typed errors by type, and every finding.</summary>
public sealed class FuzzReport
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<FuzzOutcome> _findings = [];
    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);

    internal FuzzReport(int seed) => Seed = seed;

    /// <summary>The seed of the run.</summary>
    public int Seed { get; }
    /// <summary>Cases run.</summary>
    public int Cases { get; private set; }
    /// <summary>Seconds the run took.</summary>
    public double Seconds { get; private set; }
    /// <summary>Cases by "category kind detail" (detail: the error type or exit code).</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;
    /// <summary>Every crash, hang and leak, in case order.</summary>
    public IReadOnlyList<FuzzOutcome> Findings => _findings;
    /// <summary>Crashes, hangs and leaks that match no known open issue.</summary>
    public IReadOnlyList<FuzzOutcome> NewFindings => _findings.Where(f => f.KnownIssue is null).ToList();
    /// <summary>Pages left held, summed over the cases.</summary>
    public int LeakedPages => _findings.Sum(f => f.LeakedPages);

    /// <summary>Cases that ended as <paramref name="kind"/>.</summary>
    public int Count(OutcomeKind kind) => _outcomes.GetValueOrDefault(kind);

    private readonly Dictionary<OutcomeKind, int> _outcomes = [];

    internal void Add(FuzzOutcome o)
    {
        Cases++;
        _outcomes[o.Kind] = _outcomes.GetValueOrDefault(o.Kind) + 1;
        string key = o.Kind == OutcomeKind.Result ? $"{o.Category} {Name(o.Kind)}" : $"{o.Category} {Name(o.Kind)} {o.Detail}";
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
        if (o.Kind is OutcomeKind.Crash or OutcomeKind.Hang or OutcomeKind.Leak)
            _findings.Add(o);
    }

    internal void Finish() => Seconds = _clock.Elapsed.TotalSeconds;

    private static string Name(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Result => "result",
        OutcomeKind.TypedError => "typed-error",
        OutcomeKind.Crash => "crash",
        OutcomeKind.Hang => "hang",
        _ => "leak",
    };

    /// <summary>The report as JSON.</summary>
    public JsonObject ToJson()
    {
        var counts = new JsonObject();
        foreach (var (k, v) in _counts) counts[k] = v;
        return new JsonObject
        {
            ["seed"] = Seed, ["cases"] = Cases, ["seconds"] = Math.Round(Seconds, 1),
            ["results"] = Count(OutcomeKind.Result), ["typed_errors"] = Count(OutcomeKind.TypedError),
            ["crashes"] = Count(OutcomeKind.Crash), ["hangs"] = Count(OutcomeKind.Hang), ["leaks"] = Count(OutcomeKind.Leak),
            ["leaked_pages"] = LeakedPages, ["new_findings"] = NewFindings.Count, ["counts"] = counts,
            ["findings"] = new JsonArray([.. _findings.Select(f => (JsonNode)new JsonObject
            {
                ["category"] = f.Category, ["kind"] = Name(f.Kind), ["detail"] = f.Detail, ["input"] = f.Input, ["known_issue"] = f.KnownIssue,
            })]),
        };
    }

    /// <summary>The report as text: the totals, the counts, and the first findings of each kind.</summary>
    public string ToText(int examples = 10)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{Cases} cases (seed {Seed}) in {Seconds:F1} s: {Count(OutcomeKind.Result)} results, {Count(OutcomeKind.TypedError)} typed errors, "
            + $"{Count(OutcomeKind.Crash)} crashes, {Count(OutcomeKind.Hang)} hangs, {Count(OutcomeKind.Leak)} leaks ({LeakedPages} pages); "
            + $"{NewFindings.Count} not matching a known issue");
        foreach (var (k, v) in _counts)
            sb.AppendLine($"  {v,7}  {k}");
        foreach (var group in _findings.GroupBy(f => (f.Category, f.Kind, f.Detail, f.KnownIssue)))
        {
            sb.AppendLine($"{group.Count()} x {group.Key.Category} {Name(group.Key.Kind)} {group.Key.Detail}" + (group.Key.KnownIssue is { } known ? $" (known: {known})" : " (NEW)"));
            foreach (var f in group.Take(examples))
                sb.AppendLine("    " + f.Input);
        }
        return sb.ToString();
    }
}
