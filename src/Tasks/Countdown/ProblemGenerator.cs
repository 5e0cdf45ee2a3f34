namespace Reasoning.Tasks.Countdown;

/// <summary>Which part of the data a problem belongs to.</summary>
public enum ProblemSplit
{
    /// <summary>Training problems.</summary>
    Train,
    /// <summary>Validation problems: no (sorted numbers, target) pair is ever drawn for training.</summary>
    Validation,
}

/// <summary>
/// Draws Countdown problems as APR does: a target uniform in [10, 100], then numbers uniform in [1, 99]
/// redrawn until the problem is solvable; no duplicates. Seeded and reproducible.
/// </summary>
/// <remarks>
/// APR builds validation by rejecting pairs already in its training file. To make the splits disjoint whatever
/// counts and seeds are used, each (sorted numbers, target) pair is assigned to a split by a fixed hash: one pair in
/// <see cref="ValidationBuckets"/> belongs to validation, the rest to training.
/// </remarks>
public sealed class ProblemGenerator
{
    /// <summary>One (sorted numbers, target) pair in this many is reserved for validation.</summary>
    public const int ValidationBuckets = 50;

    /// <summary>Fewest starting numbers of a problem.</summary>
    public const int MinNumbers = 2;

    /// <summary>Most starting numbers of a problem (past 6, drawing solvable problems and proving them slows sharply).</summary>
    public const int MaxNumbers = 6;

    /// <summary>Creates a generator.</summary>
    /// <param name="numberCount">How many starting numbers (APR: 4; 3 and 5 are variants).</param>
    /// <param name="minTarget">Smallest target (APR: 10).</param>
    /// <param name="maxTarget">Largest target (APR: 100); numbers are drawn in [1, maxTarget − 1].</param>
    public ProblemGenerator(int numberCount = 4, int minTarget = 10, int maxTarget = 100)
    {
        if (numberCount is < MinNumbers or > MaxNumbers)
            throw new ArgumentOutOfRangeException(nameof(numberCount), numberCount, $"Countdown problems take {MinNumbers} to {MaxNumbers} numbers; APR uses 4 (3 and 5 as variants).");
        if (minTarget < 1 || maxTarget < minTarget + 1)
            throw new ArgumentOutOfRangeException(nameof(maxTarget), maxTarget, "Need 1 <= minTarget < maxTarget (APR: 10 and 100).");
        NumberCount = numberCount;
        MinTarget = minTarget;
        MaxTarget = maxTarget;
    }

    /// <summary>How many starting numbers each problem has.</summary>
    public int NumberCount { get; }

    /// <summary>Smallest target drawn.</summary>
    public int MinTarget { get; }

    /// <summary>Largest target drawn.</summary>
    public int MaxTarget { get; }

    /// <summary>Draws <paramref name="count"/> distinct solvable problems of one split.</summary>
    public IEnumerable<CountdownProblem> Generate(int count, int seed, ProblemSplit split = ProblemSplit.Train)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(split == ProblemSplit.Train ? seed : unchecked(seed * 7919 + 104729));
        var seen = new HashSet<string>();
        int produced = 0;
        while (produced < count)
        {
            var problem = DrawSolvable(random);
            var key = problem.CanonicalKey;
            if (SplitOf(problem) != split || !seen.Add(key)) continue;
            produced++;
            yield return problem;
        }
    }

    /// <summary>The split a problem's (sorted numbers, target) pair belongs to.</summary>
    public static ProblemSplit SplitOf(CountdownProblem problem) =>
        StableHash(problem.CanonicalKey) % ValidationBuckets == 0 ? ProblemSplit.Validation : ProblemSplit.Train;

    private CountdownProblem DrawSolvable(Random random)
    {
        int target = random.Next(MinTarget, MaxTarget + 1);
        while (true)
        {
            var numbers = new int[NumberCount];
            for (int i = 0; i < numbers.Length; i++)
                numbers[i] = random.Next(1, MaxTarget);
            var problem = new CountdownProblem(numbers, target);
            if (BruteForceSolver.IsSolvable(problem)) return problem;
        }
    }

    /// <summary>FNV-1a over the key's characters: the same on every platform and run.</summary>
    private static uint StableHash(string key)
    {
        uint hash = 2166136261;
        foreach (var c in key)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash;
    }
}
