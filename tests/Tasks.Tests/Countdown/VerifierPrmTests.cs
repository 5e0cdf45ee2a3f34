using FluentAssertions;
using Reasoning.Search;
using Reasoning.Tasks.Countdown;
using Xunit;

namespace Reasoning.Tasks.Tests.Countdown;

public class VerifierPrmTests
{
    private const string Prompt = "Current State: 24:[4, 6, 2, 9], Operations: []";
    private static readonly CountdownVerifierPrm Prm = new();

    private static IReadOnlyList<StepJudgement> Judge(string prompt, params string[] steps) => Prm.Judge(new PartialSolution(prompt, steps));

    // Hand computation, independent of the heuristic's code: P(d) = 1 / (1 + d / T) for a factor distance d found by
    // hand, and a valid step scores V(best, n) = 0.5 + 0.5 · (0.8 · best + 0.2 · n / (n + 100)) after n valid lines.
    private static double P(double d, int target = 24) => 1 / (1 + d / target);

    private static double V(double best, int lines) => 0.5 + 0.5 * (0.8 * best + 0.2 * lines / (lines + 100.0));

    private static bool Close(double a, double b) => Math.Abs(a - b) < 1e-12;

    [Fact]
    public void Good_steps_score_by_the_closest_state_reached_and_the_valid_lines_written()
    {
        // Target 24 has the factors 2, 3, 4, 6, 8, 12, 24. The root [50, 13, 2, 9]: 26 + 1 + 0 + 1 = 28.
        var judged = Judge("Current State: 24:[50, 13, 2, 9], Operations: []",
            "\nExploring Operation: 13-9=4, Resulting Numbers: [50, 2, 4]\n",      // 26 + 0 + 0 = 26
            "Generated Node #0,0: 24:[50, 2, 4] Operation: 13-9=4\n",
            "Exploring Operation: 50/2=25, Resulting Numbers: [13, 9, 25]\n",      // 1 + 1 + 1 = 3
            "Generated Node #0,1: 24:[13, 9, 25] Operation: 50/2=25\n",
            "Exploring Operation: 50+13=63, Resulting Numbers: [2, 9, 63]\n",      // 0 + 1 + 39 = 40: no better than 3
            "Generated Node #0,2: 24:[2, 9, 63] Operation: 50+13=63\n",
            "Moving to Node #0,1\n",
            "Current State: 24:[13, 9, 25], Operations: ['50/2=25']\n",
            "Exploring Operation: 25-13=12, Resulting Numbers: [9, 12]\n");      // 1 + 0 = 1
        judged.Select(j => j.Failure).Should().AllBeEquivalentTo((string?)null);
        judged.Select(j => j.Score).Should().Equal(
            new[] { V(P(26), 2), V(P(26), 3), V(P(3), 4), V(P(3), 5), V(P(3), 6), V(P(3), 7), V(P(3), 8), V(P(3), 9), V(P(1), 10) }, Close);
    }

    [Fact]
    public void A_verified_goal_is_the_closest_state_and_a_dead_end_loses_nothing()
    {
        // Target 23 is prime: its only factor is 23. The root [20, 3]: 3 + 20 = 23, so P = 0.5.
        var judged = Judge("Current State: 23:[20, 3], Operations: []",
            "\nExploring Operation: 20*3=60, Resulting Numbers: [60]\n",   // 37: farther than the root
            "60,23 unequal: No Solution\n",
            "Exploring Operation: 20+3=23, Resulting Numbers: [23]\n",     // 0
            "23,23 equal: Goal Reached\n");
        judged.Select(j => j.Score).Should().Equal(new[] { V(0.5, 2), V(0.5, 3), V(1, 4), V(1, 5) }, Close);
    }

    [Theory]
    [InlineData("\nExploring Operation: 9-4=6, Resulting Numbers: [6, 2, 6]\n", "is 5, not 6")]
    [InlineData("\nExploring Operation: 9+7=16, Resulting Numbers: [4, 6, 2, 16]\n", "7 is not among")]
    [InlineData("\nExploring Operation: 6+6=12, Resulting Numbers: [4, 2, 9, 12]\n", "6 is not among the numbers left")]
    [InlineData("\nExploring Operation: 9-4=5, Resulting Numbers: [6, 5]\n", "leaves [6, 2, 5]")]
    [InlineData("\nExploring Operation: 9-4=5, Resulting Numbers: [6, 2, 9, 5]\n", "leaves [6, 2, 5]")]
    [InlineData("\nExploring Operation: 4-9=5, Resulting Numbers: [6, 2, 5]\n", "not allowed")]
    [InlineData("\nExploring Operation: 9/2=4, Resulting Numbers: [4, 6, 4]\n", "not allowed")]
    [InlineData("\nExploring Operation: 9-4=5, Resulting Numbers [6, 2, 5]\n", "not a Countdown trace line")]
    [InlineData("\nGenerated Node #0,0: 24:[6, 2, 5] Operation: 9-4=5\n", "does not follow an 'Exploring Operation'")]
    [InlineData("\nMoving to Node #0,3\n", "has not generated")]
    [InlineData("\nExit Sub Search at level 1\n", "never opened")]
    public void A_wrong_step_scores_zero_and_says_why(string step, string why)
    {
        var judged = Judge(Prompt, step);
        judged.Should().ContainSingle();
        judged[0].Score.Should().Be(0);
        judged[0].Failure.Should().Contain(why);
    }

    [Theory]
    [InlineData("Generated Node #0,1: 24:[6, 2, 5] Operation: 9-4=5\n", "its id is #0,0")]
    [InlineData("Generated Node #0,0: 24:[6, 2, 7] Operation: 9-4=5\n", "the operation left [6, 2, 5]")]
    [InlineData("Generated Node #0,0: 24:[6, 2, 5] Operation: 9-2=7\n", "the line before explored 9-4=5")]
    [InlineData("Generated Node #0,0: 25:[6, 2, 5] Operation: 9-4=5\n", "the problem's target is 24")]
    [InlineData("Moving to Node #0\n", "must be that operation's 'Generated Node' line")]
    public void The_line_after_an_operation_must_generate_its_node_as_it_is(string step, string why)
    {
        var judged = Judge(Prompt, "\nExploring Operation: 9-4=5, Resulting Numbers: [6, 2, 5]\n", step);
        judged[0].Score.Should().BeGreaterThan(0);
        judged[1].Score.Should().Be(0);
        judged[1].Failure.Should().Contain(why);
    }

    [Theory]
    [InlineData("Current State: 24:[6, 2, 7], Operations: ['9-4=5']\n", "holds [6, 2, 5]")]
    [InlineData("Current State: 24:[6, 2, 5], Operations: ['9-2=7']\n", "was reached by ['9-4=5']")]
    [InlineData("Exploring Operation: 6+2=8, Resulting Numbers: [5, 8]\n", "has no current state")]
    public void Moving_to_a_node_then_states_that_node(string step, string why)
    {
        var judged = Judge(Prompt,
            "\nExploring Operation: 9-4=5, Resulting Numbers: [6, 2, 5]\n", "Generated Node #0,0: 24:[6, 2, 5] Operation: 9-4=5\n",
            "Moving to Node #0,0\n", step);
        judged.Take(3).Should().OnlyContain(j => j.Score > 0);
        judged[3].Score.Should().Be(0);
        judged[3].Failure.Should().Contain(why);
    }

    [Fact]
    public void Numbers_are_compared_as_multisets()
    {
        var judged = Judge(Prompt, "\nExploring Operation: 9-4=5, Resulting Numbers: [5, 2, 6]\n", "Generated Node #0,0: 24:[2, 5, 6] Operation: 9-4=5\n");
        judged.Should().OnlyContain(j => j.Failure == null);
    }

    [Fact]
    public void Every_step_after_a_failing_one_scores_zero()
    {
        var judged = Judge(Prompt,
            "\nExploring Operation: 9-4=6, Resulting Numbers: [6, 2, 6]\n", "Generated Node #0,0: 24:[6, 2, 6] Operation: 9-4=6\n",
            "Exploring Operation: 6*2=12, Resulting Numbers: [4, 9, 12]\n");
        judged.Select(j => j.Score).Should().Equal(0, 0, 0);
        judged[2].Failure.Should().Contain("an earlier step failed");
    }

    [Fact]
    public void Steps_cut_mid_line_get_the_verdict_of_the_lines_they_complete()
    {
        // Cut as the engine cuts, after the token ']\nGenerated Node #': each step ends a line and starts the next.
        var judged = Judge(Prompt,
            "\nExploring Operation: 9-4=5, Resulting Numbers: [6, 2, 5]\nGenerated Node #",
            "0,0: 24:[6, 2, 5] Operation: 9-4=5\nExploring Operation: ",
            "6*2=13, Resulting Numbers: [4, 9, 13]\nGenerated Node #",
            "0,1: 24:[4, 9, 13] Operation: 6*2=13\n");
        // The root [4, 6, 2, 9] is 1 from the factors (9 → 8), as is [6, 2, 5] (5 → 4).
        judged[0].Should().Be(new StepJudgement(V(P(1), 2), 2, null), "it completes the prompt's line and the first operation's");
        judged[1].Should().Be(new StepJudgement(V(P(1), 3), 1, null));
        judged[2].Score.Should().Be(0, "the step completes the line '6*2=13', the first wrong one");
        judged[2].Failure.Should().Contain("is 12, not 13");
        judged[3].Score.Should().Be(0);
    }

    [Fact]
    public void A_step_that_completes_no_line_keeps_the_previous_score_and_one_that_completes_two_takes_the_last()
    {
        const string prompt = "Current State: 24:[4, 6], Operations: []";
        var judged = Judge(prompt, "\nExploring Operation: 4+", "6=10, Resulting Numbers: [10]\n10,24 unequal: No Solution\nExploring ", "Operation: 4*6=24, Resulting Numbers: [24]\n");
        judged[0].Should().Be(new StepJudgement(V(1, 1), 1, null), "it completes the prompt's line: the root [4, 6], d = 0");
        judged[1].Should().Be(new StepJudgement(V(1, 3), 2, null), "it completes two lines");
        judged[2].Should().Be(new StepJudgement(V(1, 4), 1, null));
        Judge(prompt, "\nExploring Operation: 4+6=10, Resulting Numbers: [10]\n", "10,2")[1]
            .Should().Be(new StepJudgement(V(1, 2), 0, null), "an unfinished line is judged once its newline comes");
    }

    [Fact]
    public void Dives_open_and_close_level_by_level()
    {
        string[] dive =
        [
            "\nExploring Operation: 9-4=5, Resulting Numbers: [6, 2, 5]\n", "Generated Node #0,0: 24:[6, 2, 5] Operation: 9-4=5\n",
            "Start Sub Search at level 1: Moving to Node #0,0\n", "Current State: 24:[6, 2, 5], Operations: ['9-4=5']\n",
            "No solution found.\n", "Exit Sub Search at level 1\n", "No solution found in sub search\n",
        ];
        Judge(Prompt, dive).Should().OnlyContain(j => j.Failure == null);
        Judge(Prompt, [.. dive[..2], "Start Sub Search at level 2: Moving to Node #0,0\n"])[2].Failure.Should().Contain("opens level 1");
        Judge(Prompt, [.. dive[..5], "Exit Sub Search at level 2\n"])[5].Failure.Should().Contain("the open sub search is at level 1");
        Judge(Prompt, [.. dive[..4], "No solution found in sub search\n"])[4].Failure.Should().Contain("must follow an 'Exit Sub Search");
    }

    [Fact]
    public void A_search_moves_only_to_open_nodes_and_gives_up_only_when_none_is_left()
    {
        string[] start =
        [
            "\nExploring Operation: 9-4=5, Resulting Numbers: [6, 2, 5]\n", "Generated Node #0,0: 24:[6, 2, 5] Operation: 9-4=5\n",
            "Exploring Operation: 6*2=12, Resulting Numbers: [4, 9, 12]\n", "Generated Node #0,1: 24:[4, 9, 12] Operation: 6*2=12\n",
            "Moving to Node #0,0\n", "Current State: 24:[6, 2, 5], Operations: ['9-4=5']\n",
        ];
        Judge(Prompt, start).Should().OnlyContain(j => j.Failure == null);
        Judge(Prompt, [.. start, "Moving to Node #0,0\n"])[^1].Failure.Should().Contain("not open in this search");
        Judge(Prompt, [.. start, "No solution found.\n"])[^1].Failure.Should().Contain("node #0,1 of this search is still open");
        Judge(Prompt, [.. start, "Moving to Node #0,1\n", "Current State: 24:[4, 9, 12], Operations: ['6*2=12']\n", "No solution found.\n"])
            .Should().OnlyContain(j => j.Failure == null, "every node the search generated is expanded");
        // A node generated in the top search is not open inside a sub search, and a sub search ends before it exits.
        string[] dive = [.. start[..4], "Start Sub Search at level 1: Moving to Node #0,0\n", "Current State: 24:[6, 2, 5], Operations: ['9-4=5']\n"];
        Judge(Prompt, [.. dive, "Moving to Node #0,1\n"])[^1].Failure.Should().Contain("not open in this search");
        Judge(Prompt, [.. dive, "Exit Sub Search at level 1\n"])[^1].Failure.Should().Contain("before the sub search ended");
    }

    [Fact]
    public void A_claimed_goal_must_be_true_and_a_missed_one_must_be_noticed()
    {
        const string prompt = "Current State: 24:[4, 6], Operations: []";
        Judge(prompt, "\nExploring Operation: 4+6=10, Resulting Numbers: [10]\n", "10,24 equal: Goal Reached\n")[1].Failure.Should().Contain("is false");
        Judge(prompt, "\nExploring Operation: 4*6=24, Resulting Numbers: [24]\n", "24,24 unequal: No Solution\n")[1].Failure.Should().Contain("is false");
        Judge(prompt, "\nExploring Operation: 4*6=24, Resulting Numbers: [24]\n", "23,24 equal: Goal Reached\n")[1].Failure.Should().Contain("the operation left 24");
    }

    [Fact]
    public void A_budget_prefix_is_read_past_and_a_bad_prompt_is_a_typed_error()
    {
        Judge("Token Budget: 1024 " + Prompt, "\nExploring Operation: 9-4=5, Resulting Numbers: [6, 2, 5]\n")[0].Failure.Should().BeNull();
        var act = () => Judge("Current State: 24:[4, 6], Operations: ['4+6=10']\n", "Exploring Operation: 4+6=10, Resulting Numbers: [10]\n");
        act.Should().Throw<CountdownFormatException>().WithMessage("*the root state has none*");
        FluentActions.Invoking(() => new CountdownVerifierPrm(0, 0.2)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new CountdownVerifierPrm(0.5, 1.5)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Every_line_of_the_writers_traces_is_valid_when_cut_as_the_engine_cuts_them()
    {
        var tokenizer = CountdownTokenizer.Load();
        var splitter = new CountdownStepSplitter();
        int solved = 0, steps = 0;
        foreach (var (problem, seed) in Cases(60))
        {
            var trace = SosTraceWriter.Write(problem, seed);
            var cut = CutAtNewlineTokens(tokenizer, trace.Completion);
            string.Concat(cut).Should().Be(trace.Completion, "the tokenizer round-trips a trace");
            var judged = Prm.Judge(new PartialSolution(trace.Prompt, cut));
            var bad = judged.Select((j, i) => (j, i)).FirstOrDefault(x => x.j.Failure is not null);
            bad.j.Should().BeNull($"seed {seed}, {problem}: step {bad.i} '{(bad.j is null ? "" : cut[bad.i])}' — {bad.j?.Failure}");
            judged.Should().OnlyContain(j => j.Score >= Prm.ValidFloor && j.Score <= 1);
            for (int i = 1; i < judged.Count; i++)
                if (judged[i].LinesCompleted > 0)
                    judged[i].Score.Should().BeGreaterThan(judged[i - 1].Score, "a valid line always scores above the states before it, so best-first search goes deep");
            int lines = trace.Completion.Count(c => c == '\n');
            judged.Sum(j => j.LinesCompleted).Should().Be(lines, "each line is judged once, by the step that holds its newline");
            // The splitter's whole-line steps give the same verdicts line by line.
            var (whole, rest) = splitter.Split(trace.Text[(trace.Prompt.Length + 1)..]);
            rest.Should().BeEmpty();
            Prm.Judge(new PartialSolution(trace.Prompt + "\n", whole)).Should().OnlyContain(j => j.Failure == null && j.LinesCompleted == 1);
            if (trace.Solved)
            {
                solved++;
                judged[^1].Score.Should().BeApproximately(V(1, lines), 1e-12, "a solved trace has verified its goal, and every line (the completion's first newline ends the prompt's) was valid");
            }
            steps += cut.Count;
        }
        solved.Should().BeGreaterThan(10);
        steps.Should().BeGreaterThan(1000);
    }

    [Fact]
    public void A_single_corrupted_number_in_a_writers_trace_fails_exactly_the_step_that_completes_its_line()
    {
        var random = new Random(5);
        int corrupted = 0;
        foreach (var (problem, seed) in Cases(40))
        {
            var trace = SosTraceWriter.Write(problem, seed);
            var lines = trace.Completion.Split('\n')[1..^1];   // the completion starts by ending the prompt's line and ends with a newline
            var candidates = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("Exploring Operation", StringComparison.Ordinal)).ToList();
            var (line, index) = candidates[random.Next(candidates.Count)];
            int eq = line.IndexOf('=');
            int end = line.IndexOf(',', eq);
            long claimed = long.Parse(line[(eq + 1)..end]);
            lines[index] = line[..(eq + 1)] + (claimed + 1) + line[end..];
            var steps = lines.Select(l => l + "\n").Prepend("\n").ToArray();
            var judged = Prm.Judge(new PartialSolution(trace.Prompt, steps));
            int failing = index + 1;
            judged.Take(failing).Should().OnlyContain(j => j.Failure == null, $"{problem}, seed {seed}: the lines before the corruption are right");
            judged[failing].Failure.Should().Contain($"not {claimed + 1}");
            judged.Skip(failing).Should().OnlyContain(j => j.Score == 0);
            corrupted++;
        }
        corrupted.Should().Be(40);
    }

    [Fact]
    public async Task Scores_come_back_one_list_per_solution_one_score_per_step_and_pass_validation()
    {
        var trace = SosTraceWriter.Write(new CountdownProblem([4, 6, 2, 9], 24), 3);
        var (steps, _) = new CountdownStepSplitter().Split(trace.Completion[1..]);
        PartialSolution[] solutions =
        [
            new(trace.Prompt + "\n", steps),
            new(Prompt, ["\nExploring Operation: 9-4=6, Resulting Numbers: [6, 2, 6]\n"]),
            new(Prompt, []),
        ];
        var scores = await Prm.ScoreStepsAsync(solutions);
        ProcessRewards.Validate(solutions, scores).Should().BeSameAs(scores);
        scores[0].Should().HaveCount(steps.Count).And.OnlyContain(s => s >= 0.5);
        scores[1].Should().Equal(0.0);
        scores[2].Should().BeEmpty();
    }

    private static IReadOnlyList<string> CutAtNewlineTokens(CountdownTokenizer tokenizer, string completion)
    {
        var steps = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (int id in tokenizer.Encode(completion))
        {
            string piece = tokenizer.Decode([id]);
            current.Append(piece);
            if (piece.Contains('\n'))
            {
                steps.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0) steps.Add(current.ToString());
        return steps;
    }

    private static IEnumerable<(CountdownProblem Problem, int Seed)> Cases(int count) =>
        new ProblemGenerator(4).Generate(count, seed: 23).Select((p, i) => (p, 500 + i));
}
