namespace Reasoning.Search;

/// <summary>How particle filtering turns PRM scores into resampling weights.</summary>
public enum ParticleWeighting
{
    /// <summary>w ∝ score: the PRM's score read as the likelihood that the path is right.</summary>
    Normalized,
    /// <summary>w ∝ exp(score / temperature): sharper or flatter than the scores by the temperature.</summary>
    Softmax,
}

/// <summary>
/// Particle filtering (Puri et al., 2025, "A probabilistic inference approach to inference-time scaling of LLMs"):
/// N particles move one step at a time; every unfinished particle decodes its next step (all in the same engine
/// steps), the new states are scored in one reward-model call, and N particles are drawn again, with replacement, by
/// weights from the scores (<see cref="Weighting"/>; a particle drawn twice continues as two forks sharing its pages).
/// Finished particles (a goal, or a path that ended) stay in the draw with their last scores, so good finished paths
/// crowd out weak unfinished ones. It ends when every particle has finished or a budget would cut a step short, and
/// returns the best particle: a goal first, then the highest aggregate score.
/// </summary>
public sealed class ParticleFiltering : ISearchMethod
{
    /// <summary>Filtering with <paramref name="particles"/> particles.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 particle, or a temperature that is not positive.</exception>
    public ParticleFiltering(int particles = 8, ParticleWeighting weighting = ParticleWeighting.Normalized, double temperature = 1,
        StepAggregation aggregation = StepAggregation.Last, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the softmax temperature must be a finite number > 0.");
        Particles = particles;
        Weighting = weighting;
        Temperature = temperature;
        Aggregation = aggregation;
        Seed = seed;
    }

    /// <summary>Particles (N).</summary>
    public int Particles { get; }
    /// <summary>How scores become weights.</summary>
    public ParticleWeighting Weighting { get; }
    /// <summary>The softmax temperature (for <see cref="ParticleWeighting.Softmax"/>).</summary>
    public double Temperature { get; }
    /// <summary>How a path's step scores make the score it is weighted by.</summary>
    public StepAggregation Aggregation { get; }
    /// <summary>Seed of the resampling draws.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public string Name => $"pf@{Particles}";

    /// <inheritdoc />
    public async Task<SearchResult> SearchAsync(SearchProblem problem, SearchBudget budget, CancellationToken cancellationToken = default)
    {
        using var session = new SearchSession(Name, problem, budget, Aggregation);
        await session.StartAsync(cancellationToken).ConfigureAwait(false);
        var random = new Random(Seed);
        List<StateNode> particles = [.. Enumerable.Repeat(session.Root, Particles)];
        SearchStopReason reason;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var moving = particles.Where(p => !p.IsGoal && !p.Terminal).ToList();
            if (moving.Count == 0)
            {
                reason = particles.Any(p => p.IsGoal) ? SearchStopReason.Goal : SearchStopReason.Exhausted;
                break;
            }
            var plan = moving.GroupBy(p => p).Select(g => (Parent: g.Key, Count: g.Count())).ToList();
            var (count, stepTokens, stop) = session.Fit([.. plan.Select(p => p.Parent)], moving.Count, scored: true);
            // Every particle moves in every round: a round cut short would weigh moved particles against unmoved ones.
            if (stop is not null || count < moving.Count)
            {
                reason = stop ?? ShortReason(session, moving.Count);
                break;
            }
            var children = await session.ExtendAsync(plan, stepTokens, cancellationToken).ConfigureAwait(false);
            await session.ScoreAsync(children, cancellationToken).ConfigureAwait(false);

            var pool = particles.Where(p => p.IsGoal || p.Terminal).Concat(children).ToList();
            var drawn = Resample(pool, random);
            var kept = drawn.ToHashSet();
            foreach (var n in pool.Distinct().Where(n => !kept.Contains(n)))
                session.Prune(n);
            foreach (var n in kept.Where(n => n.Terminal || n.IsGoal))
                session.Release(n, "finished path");
            particles = drawn;
        }
        var chosen = SearchSession.Best(particles.Where(p => p != session.Root)) ?? SearchSession.Best(session.Nodes.Where(n => n != session.Root)) ?? session.Root;
        return session.Result(chosen, reason);
    }

    private static SearchStopReason ShortReason(SearchSession session, int wanted) =>
        session.Budget.MaxPrmCalls - session.PrmCalls < wanted ? SearchStopReason.PrmBudget
        : session.Budget.MaxTotalTokens - session.Tokens < wanted ? SearchStopReason.TokenBudget
        : SearchStopReason.ThreadBudget;

    /// <summary>The resampling weights of <paramref name="scores"/> (uniform when every normalized weight is 0).</summary>
    public double[] Weights(IReadOnlyList<double> scores)
    {
        var w = new double[scores.Count];
        if (Weighting == ParticleWeighting.Softmax)
        {
            double max = scores.Max();
            for (int i = 0; i < w.Length; i++)
                w[i] = Math.Exp((scores[i] - max) / Temperature);
        }
        else
            for (int i = 0; i < w.Length; i++)
                w[i] = scores[i];
        double sum = w.Sum();
        for (int i = 0; i < w.Length; i++)
            w[i] = sum > 0 ? w[i] / sum : 1.0 / w.Length;
        return w;
    }

    private List<StateNode> Resample(List<StateNode> pool, Random random)
    {
        var weights = Weights([.. pool.Select(p => p.Aggregate ?? 0)]);
        var drawn = new List<StateNode>(Particles);
        for (int i = 0; i < Particles; i++)
        {
            double u = random.NextDouble(), acc = 0;
            int pick = pool.Count - 1;
            for (int j = 0; j < pool.Count; j++)
            {
                acc += weights[j];
                if (u < acc)
                {
                    pick = j;
                    break;
                }
            }
            drawn.Add(pool[pick]);
        }
        return drawn;
    }
}
