namespace Reasoning.Tasks.Countdown;

/// <summary>A node of the symbolic search: the numbers left, the operations that led here, its heuristic and id.</summary>
internal sealed class SearchNode
{
    public SearchNode(string id, SearchNode? parent, IReadOnlyList<long> numbers, IReadOnlyList<string> operations, double heuristic)
    {
        Id = id;
        Parent = parent;
        Numbers = numbers;
        Operations = operations;
        Heuristic = heuristic;
    }

    /// <summary>APR's node index: <c>0</c> for the root, <c>0,2,1</c> for the second child of the third child.</summary>
    public string Id { get; set; }

    public SearchNode? Parent { get; }

    public IReadOnlyList<long> Numbers { get; }

    public IReadOnlyList<string> Operations { get; }

    public double Heuristic { get; }

    /// <summary>A copy that starts a sub-search (APR deep-copies the node; the chain to the root is kept).</summary>
    public SearchNode Copy() => new(Id, Parent, Numbers, Operations, Heuristic);

    /// <summary>Every node one operation away, in APR's order: pairs (i &lt; j), then +, *, −, ÷.</summary>
    public List<SearchNode> Successors(int target)
    {
        var result = new List<SearchNode>();
        for (int i = 0; i < Numbers.Count; i++)
        for (int j = i + 1; j < Numbers.Count; j++)
        foreach (var (value, text) in CountdownStep.Combine(Numbers[i], Numbers[j]))
        {
            var numbers = new List<long>(Numbers.Count - 1);
            for (int k = 0; k < Numbers.Count; k++)
                if (k != i && k != j) numbers.Add(Numbers[k]);
            numbers.Add(value);
            result.Add(new SearchNode("", this, numbers, [.. Operations, text], Heuristic_(numbers, target)));
        }
        return result;
    }

    private static double Heuristic_(IReadOnlyList<long> numbers, int target) => Countdown.Heuristic.FactorDistance(numbers, target);
}
