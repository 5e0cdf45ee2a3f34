using Reasoning.Engine.Errors;
using Reasoning.Search;

namespace Reasoning.Orchestrator;

/// <summary>A parsed strategy name: its family and, for counted families, N (<c>cons@4</c>: family <c>cons</c>, count 4).</summary>
/// <param name="Family">The registered family name.</param>
/// <param name="Count">N for counted families; null for plain ones.</param>
public sealed record StrategyName(string Family, int? Count)
{
    /// <inheritdoc />
    public override string ToString() => Count is { } n ? $"{Family}@{n}" : Family;
}

/// <summary>
/// The strategies by name: plain ones (<c>apr</c>, <c>sos</c>) and counted ones written <c>family@N</c>
/// (<c>cons@N</c>, <c>pass@N</c>). The CLI, the evaluation and the examples resolve names here; a new strategy is one
/// <see cref="Register"/> or <see cref="RegisterCounted"/> call.
/// </summary>
public sealed class StrategyRegistry
{
    private readonly Lock _lock = new();
    private readonly List<(string Family, Func<int?, IReasoningStrategy> Create, bool Counted)> _entries = [];
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    /// <summary>Largest N a counted strategy accepts.</summary>
    public int MaxCount { get; }

    /// <summary>An empty registry whose counted strategies accept N from 1 to <paramref name="maxCount"/>.</summary>
    public StrategyRegistry(int maxCount = 256) => MaxCount = maxCount;

    /// <summary>
    /// The registry with the built-in strategies: <c>apr</c>, <c>sos</c> (also <c>sos+</c>), <c>cons@N</c>, <c>pass@N</c>,
    /// and the step-level searches of <c>Reasoning.Search</c> (<see cref="SearchStrategy"/>): <c>astar</c> (4 children an
    /// expansion unless <see cref="SearchStrategyOptions.Children"/> says), <c>bon@N</c> (best-of-N by the reward model), <c>beam@W</c> (4 children a beam) and <c>pf@N</c>
    /// (particle filtering).
    /// </summary>
    public static StrategyRegistry Default { get; } = new StrategyRegistry()
        .Register("apr", () => new AprStrategy())
        .Register("sos", () => new SerialStrategy(), "sos+")
        .RegisterCounted("cons", n => new ConsensusStrategy(n, ConsensusMode.Majority))
        .RegisterCounted("pass", n => new ConsensusStrategy(n, ConsensusMode.AnyCorrect))
        .Register("astar", () => new SearchStrategy("astar", o => new AStarSearch(o.Children ?? 4, o.StepCost ?? 0, maxOpen: o.MaxOpen)), "a*")
        .RegisterCounted("bon", n => new SearchStrategy($"bon@{n}", _ => new BestOfNSearch(n)))
        .RegisterCounted("beam", n => new SearchStrategy($"beam@{n}", o => new BeamSearch(n, o.Children ?? 4)))
        .RegisterCounted("pf", n => new SearchStrategy($"pf@{n}", _ => new ParticleFiltering(n)));

    /// <summary>The names a user may write, in registration order (<c>apr</c>, <c>sos</c>, <c>cons@N</c>, …).</summary>
    public IReadOnlyList<string> Names
    {
        get { lock (_lock) return [.. _entries.Select(e => e.Counted ? e.Family + "@N" : e.Family)]; }
    }

    /// <summary>Registers a plain strategy under <paramref name="family"/> (and <paramref name="aliases"/>).</summary>
    public StrategyRegistry Register(string family, Func<IReasoningStrategy> create, params string[] aliases) =>
        Add(family, _ => create(), counted: false, aliases);

    /// <summary>Registers a counted strategy, written <c>family@N</c>.</summary>
    public StrategyRegistry RegisterCounted(string family, Func<int, IReasoningStrategy> create) =>
        Add(family, n => create(n!.Value), counted: true, []);

    /// <summary>Parses <paramref name="text"/> (case and surrounding spaces ignored) into a registered name.</summary>
    /// <exception cref="InvalidRequestException">The name is none of the registered forms, or N is out of range.</exception>
    public StrategyName Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        int at = t.IndexOf('@');
        string family = at < 0 ? t : t[..at];
        lock (_lock)
        {
            family = _aliases.GetValueOrDefault(family, family);
            var entry = _entries.FirstOrDefault(e => e.Family == family);
            if (entry.Create is not null)
            {
                if (!entry.Counted && at < 0)
                    return new StrategyName(family, null);
                if (entry.Counted && at >= 0 && int.TryParse(t[(at + 1)..], out int n) && n >= 1 && n <= MaxCount)
                    return new StrategyName(family, n);
            }
        }
        throw new InvalidRequestException($"unknown strategy '{text}'; use {Listed(Names)} (N from 1 to {MaxCount}).");
    }

    /// <summary>The strategy <paramref name="text"/> names.</summary>
    /// <exception cref="InvalidRequestException">The name is none of the registered forms.</exception>
    public IReasoningStrategy Resolve(string text) => Resolve(Parse(text));

    /// <summary>The strategy <paramref name="name"/> names.</summary>
    /// <exception cref="InvalidRequestException">The family is not registered.</exception>
    public IReasoningStrategy Resolve(StrategyName name)
    {
        Func<int?, IReasoningStrategy>? create;
        lock (_lock)
            create = _entries.FirstOrDefault(e => e.Family == name.Family && e.Counted == name.Count.HasValue).Create;
        return create?.Invoke(name.Count) ?? throw new InvalidRequestException($"unknown strategy '{name}'; use {Listed(Names)}.");
    }

    private StrategyRegistry Add(string family, Func<int?, IReasoningStrategy> create, bool counted, string[] aliases)
    {
        if (family.Length == 0 || family.Contains('@') || family != family.ToLowerInvariant())
            throw new ArgumentException($"strategy family '{family}' must be non-empty, lower case and without '@'.", nameof(family));
        lock (_lock)
        {
            if (_entries.Any(e => e.Family == family) || _aliases.ContainsKey(family))
                throw new ArgumentException($"a strategy '{family}' is already registered.", nameof(family));
            _entries.Add((family, create, counted));
            foreach (var alias in aliases)
                _aliases[alias] = family;
        }
        return this;
    }

    private static string Listed(IReadOnlyList<string> names) =>
        names.Count <= 1 ? string.Join("", names) : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
}
