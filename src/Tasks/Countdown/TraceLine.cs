namespace Reasoning.Tasks.Countdown;

/// <summary>One parsed line of a Countdown trace; <see cref="Render"/> writes it back in APR's exact format.</summary>
public abstract record TraceLine
{
    /// <summary>The line in APR's format, without the newline.</summary>
    public abstract string Render();
}

/// <summary><c>Current State: T:[..], Operations: [..]</c></summary>
public sealed record StateLine(int Target, IReadOnlyList<long> Numbers, IReadOnlyList<string> Operations) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => TraceText.CurrentState(Target, Numbers, Operations);
}

/// <summary><c>Exploring Operation: a+b=c, Resulting Numbers: [..]</c></summary>
public sealed record ExploringLine(string Operation, IReadOnlyList<long> Numbers) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => TraceText.Exploring(Operation, Numbers);
}

/// <summary><c>Generated Node #id: T:[..] Operation: a+b=c</c></summary>
public sealed record GeneratedNodeLine(string Id, int Target, IReadOnlyList<long> Numbers, string Operation) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => TraceText.GeneratedNode(Id, Target, Numbers, Operation);
}

/// <summary><c>Moving to Node #id</c></summary>
public sealed record MovingLine(string Id) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => TraceText.MovingToNode(Id);
}

/// <summary><c>v,T equal: Goal Reached</c> or <c>v,T unequal: No Solution</c>, as written.</summary>
public sealed record LeafLine(long Value, int Target, bool ClaimsGoal) : TraceLine
{
    /// <inheritdoc />
    public override string Render() =>
        ClaimsGoal ? $"{Value},{Target} equal: Goal Reached" : $"{Value},{Target} unequal: No Solution";
}

/// <summary>SoS+ <c>Start Sub Search at level l: Moving to Node #id</c></summary>
public sealed record StartDiveLine(int Level, string Id) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => TraceText.StartDive(Level, Id);
}

/// <summary>SoS+ <c>Exit Sub Search at level l</c></summary>
public sealed record ExitDiveLine(int Level) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => TraceText.ExitDive(Level);
}

/// <summary>A line that is a fixed phrase: <see cref="TraceText.DiveFailed"/>, <see cref="TraceText.SearchFailed"/> and the block markers.</summary>
public sealed record MarkerLine(string Text) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => Text;
}

/// <summary>APR <c>&lt;Start Sub Search i at level l&gt; Moving to Node #id</c></summary>
public sealed record StartChildLine(int Index, int Level, string Id) : TraceLine
{
    /// <inheritdoc />
    public override string Render() => TraceText.StartChild(Index, Level, Id);
}

/// <summary>APR join entry <c>&lt;Goal Reached in Sub Search …&gt;</c> or <c>&lt;No Solution in Sub Search …&gt;</c>.</summary>
public sealed record ChildOutcomeLine(int Index, int Level, string Id, bool Solved) : TraceLine
{
    /// <inheritdoc />
    public override string Render() =>
        Solved ? TraceText.ChildSolved(Index, Level, Id) : TraceText.ChildFailed(Index, Level, Id);
}
