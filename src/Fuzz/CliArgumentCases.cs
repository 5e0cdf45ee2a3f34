using System.Text.RegularExpressions;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Fuzz;

/// <summary>A command line run in-process: its exit code and everything it printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Standard output and standard error together.</param>
public sealed record CliRun(int ExitCode, string Output);

/// <summary>
/// Argument lists for <c>reason</c>: a command with options drawn from its own and from others, values valid,
/// out of range, of the wrong type or missing, files that exist, do not, or hold garbage. Every list must end in an
/// exit code with no unhandled exception or stack trace printed. Commands that would run for long (eval, train,
/// bench) get only lists their parser or validation must refuse; generation runs the tiny fixture model.
/// </summary>
internal sealed partial class CliArgumentCases(Func<string[], CliRun> run, string fixtureDirectory, string workDirectory) : IFuzzCategory
{
    public string Name => "cli-args";

    private readonly string _home = Environment.CurrentDirectory;   // taken when the harness is made, in the caller's folder

    [GeneratedRegex(@"Unhandled exception|^\s+at \S+\(.*\)|\bin \S+:line \d+", RegexOptions.Multiline)]
    private static partial Regex StackTrace();

    public Task<FuzzOutcome> RunAsync(Random random, Action<string> describe, CancellationToken cancellationToken)
    {
        var args = Arguments(random);
        string input = "reason " + string.Join(' ', args.Select(a => a.Length == 0 || a.Contains(' ') ? "'" + a + "'" : a));
        describe(input);
        CliRun result;
        // Relative output paths ("--out x") land in the harness's folder, never in the caller's. The folder to return
        // to is the caller's: a hung case abandoned earlier may still be in a deleted folder.
        Directory.CreateDirectory(workDirectory);
        Environment.CurrentDirectory = workDirectory;
        try
        {
            result = run(args);
        }
        catch (Exception e)
        {
            return Task.FromResult(new FuzzOutcome(Name, OutcomeKind.Crash, e.GetType().Name, input + " -> " + ErrorKinds.Short(e.Message) + ErrorKinds.Where(e)));
        }
        finally
        {
            Environment.CurrentDirectory = _home;
        }
        if (StackTrace().IsMatch(result.Output))
            return Task.FromResult(new FuzzOutcome(Name, OutcomeKind.Crash, $"exit {result.ExitCode}, stack trace printed", input));
        return Task.FromResult(new FuzzOutcome(Name, result.ExitCode == 0 ? OutcomeKind.Result : OutcomeKind.TypedError, $"exit {result.ExitCode}", input));
    }

    private string[] Arguments(Random r)
    {
        var args = new List<string>();
        switch (r.Next(9))
        {
            case 0:
                // Left out, --count makes the default number of problems: long with 6 numbers, not hung.
                args.AddRange(["countdown", "generate", "--count", Int(r, 0, 30)]);
                Opt(args, r, "--numbers", () => Int(r, 0, 9));
                Opt(args, r, "--seed", () => Int(r, 0, 1000));
                Opt(args, r, "--split", () => Pick(r, "train", "validation", "test", "x", ""));
                Opt(args, r, "--out", () => File(r));
                Flag(args, r, "--json");
                break;
            case 1:
                args.AddRange(["countdown", "check"]);
                Opt(args, r, "--problems", () => File(r), 6);
                Opt(args, r, "--solutions", () => File(r), 6);
                Flag(args, r, "--json");
                break;
            case 2:
                args.AddRange(["countdown", "trace"]);
                Opt(args, r, "--problems", () => File(r), 6);
                Opt(args, r, "--format", () => Pick(r, "apr", "sos", "APR", "x"));
                Opt(args, r, "--seed", () => Int(r, 0, 100));
                Opt(args, r, "--out", () => File(r));
                Flag(args, r, "--json");
                break;
            case 3:
                // Left out, --count traces 1,000 problems; 5 or 6 numbers make traces thousands of times longer: long, not hung.
                args.AddRange(["countdown", "stats", "--count", Int(r, 0, 8)]);
                Opt(args, r, "--numbers", () => Pick(r, "0", "1", "2", "3", "4", "7", "9"));
                Opt(args, r, "--budget", () => Int(r, 0, 5000));
                Flag(args, r, "--json");
                break;
            case 4:
                args.Add("generate");
                Opt(args, r, "--model", () => r.Next(6) == 0 ? File(r) : fixtureDirectory, 8);
                Opt(args, r, "--prompt", () => Mutator.RandomText(r, r.Next(0, 20)), 8);
                Opt(args, r, "--max-tokens", () => Int(r, 0, 8), 10);
                Opt(args, r, "--temperature", () => Pick(r, "0", "0.7", "1", "-1", "NaN", "1e9", "x"));
                Opt(args, r, "--top-k", () => Int(r, 0, 400));
                Opt(args, r, "--top-p", () => Pick(r, "0", "0.5", "1", "1.5", "-0.1"));
                Opt(args, r, "--min-p", () => Pick(r, "0", "0.1", "1", "2"));
                Opt(args, r, "--seed", () => Int(r, 0, 100));
                Opt(args, r, "--n", () => Int(r, 0, 4), 10);
                Opt(args, r, "--stop", () => Mutator.RandomText(r, r.Next(0, 3)));
                Opt(args, r, "--top-logprobs", () => Int(r, 0, 400));
                Flag(args, r, "--ignore-eos");
                Flag(args, r, "--json");
                break;
            case 5:
                args.Add(Pick(r, "tokenize", "detokenize"));
                Opt(args, r, "--tokenizer", () => r.Next(4) == 0 ? File(r) : Path.Combine(fixtureDirectory, "tokenizer.json"), 8);
                Flag(args, r, "--json");
                for (int i = r.Next(0, 4); i > 0; i--)
                    args.Add(args[0] == "detokenize" ? Int(r, 0, 400) : Mutator.RandomText(r, r.Next(0, 10)));
                break;
            case 6:
                // Long-running commands: only lists their parser or validation refuses before any work.
                args.AddRange(Pick<string[]>(r, ["eval"], ["train"], ["bench", "kernels"], ["countdown", "solve"], ["eval", "report"]));
                args.Add(Pick(r, "--bogus", "--count", "--parallel", "--threads", "--context", "--temperature"));
                args.Add(Pick(r, "x", "-1", "", "1e99", "--"));
                args.Add(Pick(r, "--also-bogus", "--json"));
                break;
            default:
                for (int i = r.Next(0, 6); i > 0; i--)
                    args.Add(Pick(r, "countdown", "generate", "eval", "--help", "-h", "--version", "x", "", "--", "-", "--json",
                        "--model", "--count", "-1", "\u00e9", "tokenize", "check", "solve"));
                break;
        }
        return [.. args];
    }

    private static void Opt(List<string> args, Random r, string name, Func<string> value, int keepOneIn = 2)
    {
        if (r.Next(keepOneIn) == 0)
            return;
        args.Add(name);
        switch (r.Next(12))
        {
            case 0: break;                                    // the value missing
            case 1: args.Add(Pick(r, "x", "-1", "", "1e99", "99999999999", "NaN", "--json")); break;
            default: args.Add(value()); break;
        }
    }

    private static void Flag(List<string> args, Random r, string name)
    {
        if (r.Next(3) == 0)
            args.Add(name);
    }

    private static string Int(Random r, int min, int max) => r.Next(10) == 0 ? r.Next(-3, 0).ToString() : r.Next(min, max + 1).ToString();

    private static T Pick<T>(Random r, params T[] values) => values[r.Next(values.Length)];

    /// <summary>A path: a valid problems file, a garbage file, a folder, one that does not exist, or a fresh output path.</summary>
    private string File(Random r)
    {
        Directory.CreateDirectory(workDirectory);
        string path = Path.Combine(workDirectory, "cli-" + Guid.NewGuid().ToString("N") + ".jsonl");
        switch (r.Next(6))
        {
            case 0:
                var problems = new ProblemGenerator(4).Generate(r.Next(1, 4), r.Next(1000)).ToList();
                System.IO.File.WriteAllText(path, ProblemFile.Format(problems));
                break;
            case 1:
                var lines = new ProblemGenerator(4).Generate(r.Next(1, 4), r.Next(1000)).Select(p => p.ToJson()).ToList();
                System.IO.File.WriteAllText(path, Mutator.Mutate(string.Join('\n', lines), r));
                break;
            case 2:
                System.IO.File.WriteAllText(path, "{\"solution\":[\"1+2=3\"]}\n" + Mutator.RandomText(r, r.Next(0, 30)));
                break;
            case 3:
                return workDirectory;
            case 4:
                return Path.Combine(workDirectory, "missing", "nothing.jsonl");
        }
        return path;
    }
}
