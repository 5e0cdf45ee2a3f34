namespace Reasoning.Tasks.Countdown;

/// <summary>
/// The exact line formats of APR's Countdown traces (SoS+ and APR), one method a line, without the trailing
/// newline. Writers and the parser share these so the two cannot drift apart.
/// </summary>
public static class TraceText
{
    /// <summary><c>Current State: 98:[44, 19, 35, 73], Operations: []</c></summary>
    public static string CurrentState(int target, IEnumerable<long> numbers, IEnumerable<string> operations) =>
        $"Current State: {target}:{PythonLiteral.Numbers(numbers)}, Operations: {PythonLiteral.Operations(operations)}";

    /// <summary><c>Exploring Operation: 44+19=63, Resulting Numbers: [35, 73, 63]</c></summary>
    public static string Exploring(string operation, IEnumerable<long> numbers) =>
        $"Exploring Operation: {operation}, Resulting Numbers: {PythonLiteral.Numbers(numbers)}";

    /// <summary><c>Generated Node #0,1: 98:[35, 73, 63] Operation: 44+19=63</c></summary>
    public static string GeneratedNode(string id, int target, IEnumerable<long> numbers, string operation) =>
        $"Generated Node #{id}: {target}:{PythonLiteral.Numbers(numbers)} Operation: {operation}";

    /// <summary><c>Moving to Node #0,1</c></summary>
    public static string MovingToNode(string id) => $"Moving to Node #{id}";

    /// <summary><c>98,98 equal: Goal Reached</c> or <c>97,98 unequal: No Solution</c></summary>
    public static string Leaf(long value, int target) =>
        value == target ? $"{value},{target} equal: Goal Reached" : $"{value},{target} unequal: No Solution";

    /// <summary>SoS+: <c>Start Sub Search at level 1: Moving to Node #0,0,0</c></summary>
    public static string StartDive(int level, string id) => $"Start Sub Search at level {level}: Moving to Node #{id}";

    /// <summary>SoS+: <c>Exit Sub Search at level 1</c></summary>
    public static string ExitDive(int level) => $"Exit Sub Search at level {level}";

    /// <summary>SoS+: the line after a dive that found nothing.</summary>
    public const string DiveFailed = "No solution found in sub search";

    /// <summary>The last line of a search that exhausted its tree.</summary>
    public const string SearchFailed = "No solution found.";

    /// <summary>Opens an APR spawn block.</summary>
    public const string CallingSubSearches = "<Calling Sub Searches>";

    /// <summary>APR: <c>&lt;Start Sub Search 0 at level 1&gt; Moving to Node #0,0</c></summary>
    public static string StartChild(int index, int level, string id) => $"<Start Sub Search {index} at level {level}> Moving to Node #{id}";

    /// <summary>Closes an APR spawn block; the parent thread stops here until its children return.</summary>
    public const string EndCallingSubSearches = "<End Calling Sub Searches>";

    /// <summary>Opens the join block that replaces a spawn block.</summary>
    public const string SubSearches = "<Sub Searches>";

    /// <summary>APR join: <c>&lt;Goal Reached in Sub Search 1 at level 1 at Node #0,1&gt;</c></summary>
    public static string ChildSolved(int index, int level, string id) => $"<Goal Reached in Sub Search {index} at level {level} at Node #{id}>";

    /// <summary>APR join: <c>&lt;No Solution in Sub Search 0 at level 1 at Node #0,0&gt;</c></summary>
    public static string ChildFailed(int index, int level, string id) => $"<No Solution in Sub Search {index} at level {level} at Node #{id}>";

    /// <summary>Closes the join block; the parent continues after it.</summary>
    public const string EndSubSearches = "<End Sub Searches>";

    /// <summary>The phrase whose occurrences delimit a thread's result.</summary>
    public const string GoalReached = "Goal Reached";

    /// <summary>APR conditioning prefix: <c>Sub Call Budget: 10 </c> (root thread only).</summary>
    public static string SubCallBudget(int n) => $"Sub Call Budget: {n} ";

    /// <summary>SoS+ conditioning prefix: <c>Token Budget: 1024 </c> (also given to APR children).</summary>
    public static string TokenBudget(int n) => $"Token Budget: {n} ";
}
