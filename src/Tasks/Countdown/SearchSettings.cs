namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Knobs of APR's symbolic search. Traces draw them at random per problem, as the paper's data does, so that
/// some searches succeed at once and others backtrack.
/// </summary>
/// <param name="BeamSize">How many successors a node keeps and how many open nodes a round expands.</param>
/// <param name="PromisingThreshold">Chance that a node's kept successors are searched in depth (SoS+ dive, APR spawn).</param>
/// <param name="SubCallBeamSize">APR: the beam size children search with.</param>
public sealed record SearchSettings(int BeamSize, double PromisingThreshold, int SubCallBeamSize)
{
    /// <summary>SoS+ as APR draws it: beam in [1, 5], dives with probability 0.5.</summary>
    public static SearchSettings RandomSos(Random random) => new(random.Next(1, 6), 0.5, 0);

    /// <summary>APR as its data script draws it: beam in [1, 10], children's beam in [beam, 15], spawns with probability 0.9.</summary>
    public static SearchSettings RandomApr(Random random)
    {
        int beam = random.Next(1, 11);
        return new SearchSettings(beam, 0.9, random.Next(beam, 16));
    }
}
