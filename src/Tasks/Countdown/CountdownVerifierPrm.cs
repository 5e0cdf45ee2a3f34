using System.Text.RegularExpressions;
using Reasoning.Search;

namespace Reasoning.Tasks.Countdown;

/// <summary>The verifier's judgement of one step.</summary>
/// <param name="Score">The step's score: 0 for a failing step (and every step after it), else in [<see cref="CountdownVerifierPrm.ValidFloor"/>, 1].</param>
/// <param name="LinesCompleted">How many trace lines this step's text completes (0 for a step that ends no line).</param>
/// <param name="Failure">Why the step fails: the first failing line's verdict, or that an earlier step failed; null for a valid step.</param>
public sealed record StepJudgement(double Score, int LinesCompleted, string? Failure);

/// <summary>
/// A process reward model for SoS+ Countdown traces that checks instead of guessing: each line is replayed by
/// <see cref="SosLineChecker"/> (exact arithmetic, numbers present in the current state, resulting numbers, node ids,
/// dive levels). A step with a failing line scores 0, and so does every step after it — the trace's bookkeeping is
/// broken from there on, so nothing built on it can be trusted. A valid step scores
/// <c>ValidFloor + (1 − ValidFloor) · ((1 − LengthWeight) · best + LengthWeight · n / (n + 100))</c>:
/// <list type="bullet">
/// <item><c>best</c> is APR's progress heuristic — the factor distance of a state's numbers mapped into [0, 1] by
/// <see cref="SosLineChecker.Progress"/> — of the closest state the trace has reached so far (1 once a
/// <c>Goal Reached</c> is verified). The best so far, not the last line's: a serial search explores bad operations on
/// its way, and a trace that has reached a promising node stays promising while it writes them.</item>
/// <item><c>n</c> is the number of valid lines so far. Because it grows, a state always scores above its ancestors
/// unless it fails, so a best-first search extends the deepest valid trace first and goes back only when every
/// sample of a line fails (or another trace reaches a closer state): depth first with resampling, instead of breadth
/// first over a trace's hundreds of lines.</item>
/// </list>
/// <para>
/// Steps are cut at token boundaries, not at line ends (the Countdown tokenizer merges <c>]\nGenerated Node #</c> into
/// one token), so a step's text may start in the middle of a line and end a little way into the next. The verifier
/// therefore concatenates the prompt and the steps, checks the complete lines of that text, and gives each step the
/// verdict of the lines whose newline falls inside it. A step that completes no line keeps the score of the step
/// before (its text is judged with the line it ends up completing); the unfinished text after the last newline is
/// not judged yet. Lines the prompt completes are checked too: an invalid prompt is a
/// <see cref="CountdownFormatException"/>, not a score.
/// </para>
/// </summary>
public sealed partial class CountdownVerifierPrm : IProcessRewardModel
{
    /// <summary>Lines at which the length term is half way to 1.</summary>
    public const int LengthScale = 100;

    /// <summary>The verifier with the default floor (0.5) and length weight (0.2): valid steps score in [0.5, 1], failing ones 0.</summary>
    public CountdownVerifierPrm() : this(0.5, 0.2) { }

    /// <summary>The verifier with valid steps scoring from <paramref name="validFloor"/> to 1, <paramref name="lengthWeight"/> of it for the trace's length.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validFloor"/> is not in (0, 1] or <paramref name="lengthWeight"/> not in [0, 1].</exception>
    public CountdownVerifierPrm(double validFloor, double lengthWeight)
    {
        if (!(validFloor is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(validFloor), validFloor, "the score of a valid step with no progress must be in (0, 1]; 0 is kept for failing steps.");
        if (!(lengthWeight is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(lengthWeight), lengthWeight, "the length term's weight must be in [0, 1].");
        ValidFloor = validFloor;
        LengthWeight = lengthWeight;
    }

    /// <summary>The share of a valid step's score above the floor that rewards a trace for the valid lines it has written.</summary>
    public double LengthWeight { get; }

    /// <summary>The score of a valid step after <paramref name="validLines"/> valid lines, the closest state so far at progress <paramref name="best"/>.</summary>
    public double ValidScore(double best, int validLines) =>
        ValidFloor + (1 - ValidFloor) * ((1 - LengthWeight) * best + LengthWeight * validLines / (validLines + (double)LengthScale));

    /// <summary>
    /// The least score of a valid step. Keeping it well above 0 separates a correct step that makes little progress
    /// from a wrong one by more than any difference in progress, so a search never prefers an error to a detour.
    /// </summary>
    public double ValidFloor { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        var scores = new List<IReadOnlyList<double>>(solutions.Count);
        foreach (var solution in solutions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scores.Add(Judge(solution).Select(j => j.Score).ToArray());
        }
        return Task.FromResult<IReadOnlyList<IReadOnlyList<double>>>(scores);
    }

    /// <summary>Judges each step of <paramref name="solution"/>, with the reason for a failing one.</summary>
    /// <exception cref="CountdownFormatException">A line the prompt completes is not a valid start of an SoS+ trace.</exception>
    public IReadOnlyList<StepJudgement> Judge(PartialSolution solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        string prompt = solution.Prompt ?? "";
        var prefix = Prefix().Match(prompt);
        string text = string.Concat([prompt, .. solution.Steps]);
        var checker = new SosLineChecker();
        var result = new StepJudgement[solution.Steps.Count];

        int lineStart = prefix.Success ? prefix.Length : 0;
        int stepEnd = prompt.Length;
        double carry = ValidFloor;
        double best = 0;
        int valid = 0;
        string? failure = null;
        // Lines the prompt completes build the starting state.
        for (int nl = text.IndexOf('\n', lineStart); nl >= 0 && nl < prompt.Length; nl = text.IndexOf('\n', lineStart))
        {
            var check = checker.Check(text[lineStart..nl]);
            if (!check.Valid)
                throw new CountdownFormatException($"the prompt is not the start of an SoS+ trace: {check.Failure}");
            best = Math.Max(best, check.Progress);
            carry = ValidScore(best, ++valid);
            lineStart = nl + 1;
        }

        for (int s = 0; s < solution.Steps.Count; s++)
        {
            int stepStart = stepEnd;
            stepEnd += solution.Steps[s].Length;
            int completed = 0;
            double score = carry;
            string? stepFailure = null;
            for (int nl = text.IndexOf('\n', Math.Max(lineStart, stepStart)); nl >= 0 && nl < stepEnd; nl = text.IndexOf('\n', lineStart))
            {
                completed++;
                string line = text[lineStart..nl];
                lineStart = nl + 1;
                if (failure is not null) continue;
                var check = checker.Check(line);
                if (!check.Valid)
                {
                    failure = $"line {checker.Lines} '{Clip(line)}': {check.Failure}";
                    stepFailure = failure;
                    continue;
                }
                best = Math.Max(best, check.Progress);
                score = ValidScore(best, ++valid);
            }
            if (failure is not null)
            {
                result[s] = new StepJudgement(0, completed, stepFailure ?? $"an earlier step failed ({failure})");
                continue;
            }
            carry = score;
            result[s] = new StepJudgement(score, completed, null);
        }
        return result;
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";

    [GeneratedRegex(@"^(?:Sub Call Budget|Token Budget): \d+ ")] private static partial Regex Prefix();
}
