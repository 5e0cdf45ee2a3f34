using System.Globalization;
using System.Text.RegularExpressions;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Reads any Countdown trace, ours or a model's: every line typed, the spawn and join blocks, the result (text after
/// the second-to-last <c>Goal Reached</c>, as APR's runtime reads it) and the solution steps it states.
/// Malformed text gives a <see cref="CountdownFormatException"/> naming the line; it never crashes.
/// </summary>
public static partial class TraceParser
{
    /// <summary>Parses a thread's text.</summary>
    public static ParsedTrace Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (prefix, body) = SplitPrefix(text);
        bool endsWithNewline = body.EndsWith('\n');
        var raw = (endsWithNewline ? body[..^1] : body).Split('\n');
        if (body.Length == 0 || (raw.Length == 1 && raw[0].Length == 0))
            throw new CountdownFormatException("the trace is empty; a trace starts with 'Current State: …' (SoS+) or 'Moving to Node #0' (APR).");
        var lines = new List<TraceLine>(raw.Length);
        for (int i = 0; i < raw.Length; i++)
            lines.Add(ParseLine(raw[i], i + 1));

        var first = lines.OfType<StateLine>().FirstOrDefault()
            ?? throw new CountdownFormatException("the trace has no 'Current State: T:[..], Operations: [..]' line; a thread must state its numbers and target.");
        string? startNode = lines[0] is MovingLine m ? m.Id : null;
        var (joins, pending) = Blocks(lines);
        var result = ResultOf(text);
        IReadOnlyList<string>? solution = null;
        string? error = null;
        if (result is not null) (solution, error) = SolutionOf(result);
        var outcome = result is not null ? TraceOutcome.Solved
            : pending is not null ? TraceOutcome.Spawning
            : lines[^1] is MarkerLine { Text: TraceText.SearchFailed } ? TraceOutcome.Failed
            : TraceOutcome.Incomplete;
        return new ParsedTrace(prefix, lines, endsWithNewline, startNode, first.Target, first.Numbers, first.Operations,
            joins, pending, outcome, result, solution, error);
    }

    /// <summary>Parses without throwing: null and the error message when the text is malformed.</summary>
    public static ParsedTrace? TryParse(string text, out string? error)
    {
        try
        {
            error = null;
            return Parse(text);
        }
        catch (CountdownFormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// The solution a trace states, read as APR's evaluation reads it: only the result path (the text after the
    /// second-to-last <c>Goal Reached</c>) must parse, so a garbled line elsewhere in a model's trace does not hide a
    /// solution it went on to state. Null solution and null error: the trace states none; null solution and an error:
    /// its result path is malformed. The steps still have to pass <see cref="SolutionChecker"/>.
    /// </summary>
    public static (IReadOnlyList<string>? Solution, string? Error) ReadSolution(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ResultOf(text) is { } result ? SolutionOf(result) : (null, null);
    }

    /// <summary>APR's rule: the text after the second-to-last <c>Goal Reached</c>, trimmed, without that phrase and its newline.</summary>
    public static string? ResultOf(string text)
    {
        int last = text.LastIndexOf(TraceText.GoalReached, StringComparison.Ordinal);
        if (last <= 0) return null;
        int secondLast = text.LastIndexOf(TraceText.GoalReached, last - 1, StringComparison.Ordinal);
        if (secondLast < 0) return null;
        var tail = text[secondLast..].Trim();
        return tail.Length > TraceText.GoalReached.Length + 1 ? tail[(TraceText.GoalReached.Length + 1)..] : "";
    }

    /// <summary>Parses one line; <paramref name="number"/> is its 1-based position for the error message.</summary>
    public static TraceLine ParseLine(string line, int number)
    {
        try
        {
            return ParseLineCore(line) ?? throw new CountdownFormatException(
                $"trace line {number}: '{Clip(line)}' is not a Countdown trace line; expected lines such as 'Current State: 98:[44, 19, 35, 73], Operations: []', " +
                "'Exploring Operation: 44+19=63, Resulting Numbers: [35, 73, 63]' or '<End Sub Searches>'.");
        }
        catch (CountdownFormatException e) when (!e.Message.StartsWith("trace line", StringComparison.Ordinal))
        {
            throw new CountdownFormatException($"trace line {number}: {e.Message}", e);
        }
    }

    private static TraceLine? ParseLineCore(string line)
    {
        Match m;
        if ((m = State().Match(line)).Success)
            return new StateLine(Int(m.Groups[1].Value), PythonLiteral.ParseNumbers(m.Groups[2].Value, "numbers"),
                Ops(PythonLiteral.ParseOperations(m.Groups[3].Value, "operations")));
        if ((m = Exploring().Match(line)).Success)
            return new ExploringLine(Op(m.Groups[1].Value), PythonLiteral.ParseNumbers(m.Groups[2].Value, "resulting numbers"));
        if ((m = Generated().Match(line)).Success)
            return new GeneratedNodeLine(m.Groups[1].Value, Int(m.Groups[2].Value),
                PythonLiteral.ParseNumbers(m.Groups[3].Value, "node numbers"), Op(m.Groups[4].Value));
        if ((m = Moving().Match(line)).Success) return new MovingLine(m.Groups[1].Value);
        if ((m = Leaf().Match(line)).Success)
            return new LeafLine(Long(m.Groups[1].Value), Int(m.Groups[2].Value), m.Groups[3].Value.StartsWith('e'));
        if ((m = StartDive().Match(line)).Success) return new StartDiveLine(Int(m.Groups[1].Value), m.Groups[2].Value);
        if ((m = ExitDive().Match(line)).Success) return new ExitDiveLine(Int(m.Groups[1].Value));
        if ((m = StartChild().Match(line)).Success)
            return new StartChildLine(Int(m.Groups[1].Value), Int(m.Groups[2].Value), m.Groups[3].Value);
        if ((m = ChildOutcome().Match(line)).Success)
            return new ChildOutcomeLine(Int(m.Groups[2].Value), Int(m.Groups[3].Value), m.Groups[4].Value, m.Groups[1].Value == "Goal Reached");
        return line switch
        {
            TraceText.DiveFailed or TraceText.SearchFailed or TraceText.CallingSubSearches or TraceText.EndCallingSubSearches
                or TraceText.SubSearches or TraceText.EndSubSearches => new MarkerLine(line),
            _ => null,
        };
    }

    private static (IReadOnlyList<IReadOnlyList<JoinEntry>>, IReadOnlyList<SpawnRequest>?) Blocks(List<TraceLine> lines)
    {
        var joins = new List<IReadOnlyList<JoinEntry>>();
        List<SpawnRequest>? pending = null;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i] is MarkerLine { Text: TraceText.CallingSubSearches })
            {
                var requests = new List<SpawnRequest>();
                int j = i + 1;
                for (; j < lines.Count && lines[j] is StartChildLine s; j++) requests.Add(new SpawnRequest(s.Index, s.Level, s.Id));
                if (j >= lines.Count || lines[j] is not MarkerLine { Text: TraceText.EndCallingSubSearches })
                    throw new CountdownFormatException(
                        $"trace line {i + 1}: the spawn block is not closed: expected '<Start Sub Search i at level l> Moving to Node #…' lines then '{TraceText.EndCallingSubSearches}'" +
                        (j < lines.Count ? $", found '{Clip(lines[j].Render())}' at line {j + 1}." : " before the trace ends."));
                if (j != lines.Count - 1)
                    throw new CountdownFormatException(
                        $"trace line {j + 2}: text follows '{TraceText.EndCallingSubSearches}'; a thread stops at its spawn block until the join block replaces it.");
                pending = requests;
                i = j;
            }
            else if (lines[i] is MarkerLine { Text: TraceText.SubSearches })
            {
                var entries = new List<JoinEntry>();
                int j = i + 1;
                while (j < lines.Count && lines[j] is ChildOutcomeLine outcome)
                {
                    int k = j + 1;
                    while (k < lines.Count && lines[k] is not ChildOutcomeLine && lines[k] is not MarkerLine { Text: TraceText.EndSubSearches }) k++;
                    string? path = outcome.Solved ? string.Join("\n", lines.Skip(j + 1).Take(k - j - 1).Select(l => l.Render())) : null;
                    if (!outcome.Solved && k != j + 1)
                        throw new CountdownFormatException($"trace line {j + 2}: a child with no solution returns no path; expected the next '<… Sub Search …>' line or '{TraceText.EndSubSearches}'.");
                    entries.Add(new JoinEntry(outcome.Index, outcome.Level, outcome.Id, path));
                    j = k;
                }
                if (j >= lines.Count || lines[j] is not MarkerLine { Text: TraceText.EndSubSearches })
                    throw new CountdownFormatException(
                        $"trace line {i + 1}: the join block is not closed by '{TraceText.EndSubSearches}'" +
                        (j < lines.Count ? $"; found '{Clip(lines[j].Render())}' at line {j + 1}." : " before the trace ends."));
                joins.Add(entries);
                i = j;
            }
            else if (lines[i] is StartChildLine or ChildOutcomeLine or MarkerLine { Text: TraceText.EndCallingSubSearches or TraceText.EndSubSearches })
            {
                throw new CountdownFormatException($"trace line {i + 1}: '{Clip(lines[i].Render())}' appears outside a spawn or join block.");
            }
        }
        return (joins, pending);
    }

    /// <summary>Reads the steps of a result path: the last state's operations plus the operation that reached the goal.</summary>
    private static (IReadOnlyList<string>?, string?) SolutionOf(string result)
    {
        try
        {
            var (_, body) = SplitPrefix(result);
            var lines = body.Split('\n').Where(l => l.Length > 0).Select((l, i) => ParseLine(l, i + 1)).ToList();
            int goal = lines.FindLastIndex(l => l is LeafLine { ClaimsGoal: true });
            if (goal < 0) return (null, "the result path never states '… equal: Goal Reached'");
            var state = lines.Take(goal).OfType<StateLine>().LastOrDefault();
            var step = lines.Take(goal).OfType<ExploringLine>().LastOrDefault();
            if (state is null || step is null) return (null, "the result path has no 'Current State' and 'Exploring Operation' before its goal");
            return ([.. state.Operations, step.Operation], null);
        }
        catch (CountdownFormatException e)
        {
            return (null, $"the result path is malformed: {e.Message}");
        }
    }

    private static (string?, string) SplitPrefix(string text)
    {
        var m = Prefix().Match(text);
        return m.Success ? (m.Value, text[m.Length..]) : (null, text);
    }

    private static IReadOnlyList<string> Ops(IReadOnlyList<string> ops)
    {
        foreach (var op in ops) Op(op);
        return ops;
    }

    private static string Op(string text) => CountdownStep.TryParse(text, out _) && !text.Contains(' ') ? text
        : throw new CountdownFormatException($"'{Clip(text)}' is not an operation like 44+19=63.");

    private static int Int(string digits) => int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new CountdownFormatException($"'{Clip(digits)}' is not a whole number that fits in 32 bits.");

    private static long Long(string digits) => long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new CountdownFormatException($"'{Clip(digits)}' is not a whole number that fits in 64 bits.");

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";

    private const string Id = @"(\d+(?:,\d+)*)";

    [GeneratedRegex(@"^(?:Sub Call Budget|Token Budget): \d+ ")] private static partial Regex Prefix();
    [GeneratedRegex(@"^Current State: (\d+):(\[[^\]]*\]), Operations: (\[.*\])$")] private static partial Regex State();
    [GeneratedRegex(@"^Exploring Operation: ([^,]+), Resulting Numbers: (\[[^\]]*\])$")] private static partial Regex Exploring();
    [GeneratedRegex(@"^Generated Node #" + Id + @": (\d+):(\[[^\]]*\]) Operation: (\S+)$")] private static partial Regex Generated();
    [GeneratedRegex(@"^Moving to Node #" + Id + "$")] private static partial Regex Moving();
    [GeneratedRegex(@"^(\d+),(\d+) (equal: Goal Reached|unequal: No Solution)$")] private static partial Regex Leaf();
    [GeneratedRegex(@"^Start Sub Search at level (\d+): Moving to Node #" + Id + "$")] private static partial Regex StartDive();
    [GeneratedRegex(@"^Exit Sub Search at level (\d+)$")] private static partial Regex ExitDive();
    [GeneratedRegex(@"^<Start Sub Search (\d+) at level (\d+)> Moving to Node #" + Id + "$")] private static partial Regex StartChild();
    [GeneratedRegex(@"^<(Goal Reached|No Solution) in Sub Search (\d+) at level (\d+) at Node #" + Id + ">$")] private static partial Regex ChildOutcome();
}
