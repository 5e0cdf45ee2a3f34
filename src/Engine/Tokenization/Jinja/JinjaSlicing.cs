namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>Python's <c>x[start:stop:step]</c> on lists and strings (<c>messages[::-1]</c>, <c>messages[1:]</c>).</summary>
internal static class JinjaSlicing
{
    /// <summary>The slice; null bounds take Python's defaults for the sign of the step.</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        var count = target switch
        {
            List<object?> list => list.Count,
            string s => s.Length,
            JinjaUndefined => -1,
            _ => throw new JinjaRuntimeError("slice", $"cannot slice {JinjaValues.Describe(target)}"),
        };
        if (count < 0)
            return JinjaUndefined.Instance;
        var by = Bound(step) ?? 1;
        if (by == 0)
            throw new JinjaRuntimeError("slice", "slice step cannot be zero");
        var indices = Indices(count, Bound(start), Bound(stop), by);
        return target is string text
            ? string.Concat(indices.Select(i => text[i]))
            : indices.Select(i => ((List<object?>)target!)[i]).ToList();
    }

    private static long? Bound(object? value) => value switch
    {
        null or JinjaUndefined => null,
        long or bool => JinjaValues.ToLong(value),
        _ => throw new JinjaRuntimeError("slice", $"slice bounds must be integers, not {JinjaValues.Describe(value)}"),
    };

    private static List<int> Indices(int count, long? start, long? stop, long step)
    {
        long Clamp(long value, long low, long high) => Math.Max(low, Math.Min(high, value));
        long Normalize(long value, long low, long high) => Clamp(value < 0 ? value + count : value, low, high);
        var result = new List<int>();
        if (step > 0)
        {
            var from = start is { } s ? Normalize(s, 0, count) : 0;
            var to = stop is { } e ? Normalize(e, 0, count) : count;
            for (var i = from; i < to; i += step)
                result.Add((int)i);
        }
        else
        {
            var from = start is { } s ? Normalize(s, -1, count - 1) : count - 1;
            var to = stop is { } e ? Normalize(e, -1, count - 1) : -1;
            for (var i = from; i > to; i += step)
                result.Add((int)i);
        }
        return result;
    }
}
