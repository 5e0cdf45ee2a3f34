using System.Text.Json.Nodes;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// One training sequence, APR style (every thread call is its own sequence). JSONL:
/// <c>{"prompt":"...","completion":"...","kind":"sos|apr-parent|apr-child","problem":{"numbers":[..],"target":..}}</c>;
/// the loss applies to the completion only; <c>prompt + completion</c> is the whole call.
/// </summary>
/// <param name="Prompt">What the runtime feeds (see <see cref="CountdownPrompts"/>).</param>
/// <param name="Completion">What the model must write, ending where the call ends (EOS is the trainer's to add).</param>
/// <param name="Kind"><c>sos</c>, <c>apr-parent</c> or <c>apr-child</c>.</param>
/// <param name="Problem">The root problem.</param>
public sealed record TrainingSequence(string Prompt, string Completion, string Kind, CountdownProblem Problem)
{
    /// <summary>The JSON line.</summary>
    public string ToJson() => new JsonObject
    {
        ["prompt"] = Prompt,
        ["completion"] = Completion,
        ["kind"] = Kind,
        ["problem"] = Problem.ToJsonNode(),
    }.ToJsonString();

    /// <summary>The sequence of a SoS+ trace.</summary>
    public static TrainingSequence FromSos(SosTrace trace) => new(trace.Prompt, trace.Completion, "sos", trace.Problem);

    /// <summary>
    /// The sequences of an APR trace: each round of the root, then each child. With <paramref name="subCallBudget"/>
    /// the root's sequences start with <c>Sub Call Budget: n </c>, n being the children it spawned (children are not prefixed).
    /// </summary>
    public static IEnumerable<TrainingSequence> FromApr(AprTrace trace, bool subCallBudget = false)
    {
        var prefix = subCallBudget ? TraceText.SubCallBudget(trace.ChildCount) : "";
        foreach (var round in trace.Root.Rounds)
            yield return new TrainingSequence(prefix + round.Prompt, round.Completion, "apr-parent", trace.Problem);
        foreach (var child in trace.Root.All().Skip(1))
        foreach (var round in child.Rounds)
            yield return new TrainingSequence(round.Prompt, round.Completion, "apr-child", trace.Problem);
    }
}
