namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>The binary operators apart from <c>and</c>/<c>or</c>: arithmetic, comparison, <c>~</c> and <c>in</c>.</summary>
internal static class JinjaOperators
{
    /// <summary>Applies <paramref name="op"/>; Python's rules, except that <c>+</c> with a string on either side concatenates.</summary>
    public static object? Apply(string op, object? left, object? right, JinjaEvaluator evaluator, int line)
    {
        switch (op)
        {
            case "==":
                return JinjaValues.AreEqual(left, right);
            case "!=":
                return !JinjaValues.AreEqual(left, right);
            case "<":
                return evaluator.Compare(left, right, line) < 0;
            case ">":
                return evaluator.Compare(left, right, line) > 0;
            case "<=":
                return evaluator.Compare(left, right, line) <= 0;
            case ">=":
                return evaluator.Compare(left, right, line) >= 0;
            case "in":
                return evaluator.Contains(right, left);
            case "not in":
                return !evaluator.Contains(right, left);
            case "~":
                return JinjaValues.ToText(left) + JinjaValues.ToText(right);
        }
        if (left is JinjaUndefined || right is JinjaUndefined)
            throw new JinjaRuntimeError(op, $"'{op}' on an undefined value (a variable or attribute that does not exist)");
        if (left is null || right is null)
            throw new JinjaRuntimeError(op, $"'{op}' on none (a message field that is null, such as the content of a turn that only calls tools?)");
        if (op == "+")
        {
            if (left is List<object?> a && right is List<object?> b)
                return a.Concat(b).ToList();
            if (left is string || right is string)
                return JinjaValues.ToText(left) + JinjaValues.ToText(right);
        }
        if (op == "*" && (left is string || right is string) && (left is long || right is long))
        {
            var (text, times) = left is string s ? (s, (long)right!) : ((string)right!, (long)left!);
            if (times > 0 && text.Length * times > 10_000_000)
                throw new JinjaRuntimeError(op, $"'{op}' would repeat a string to more than 10 million characters");
            return times <= 0 ? "" : string.Concat(Enumerable.Repeat(text, (int)times));
        }
        if (!JinjaValues.IsNumber(left) || !JinjaValues.IsNumber(right))
            throw new JinjaRuntimeError(op, $"'{op}' needs numbers, not {JinjaValues.Describe(left)} and {JinjaValues.Describe(right)}");
        if (left is double || right is double || op == "/")
        {
            double x = JinjaValues.ToDouble(left), y = JinjaValues.ToDouble(right);
            if (y == 0 && op is "/" or "//" or "%")
                throw new JinjaRuntimeError(op, "division by zero");
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => x / y,
                "//" => Math.Floor(x / y),
                "%" => x - y * Math.Floor(x / y),
                "**" => Math.Pow(x, y),
                _ => throw new JinjaRuntimeError(op, $"unknown operator '{op}'"),
            };
        }
        long i = JinjaValues.ToLong(left), j = JinjaValues.ToLong(right);
        if (j == 0 && op is "//" or "%")
            throw new JinjaRuntimeError(op, "division by zero");
        return op switch
        {
            "+" => i + j,
            "-" => i - j,
            "*" => i * j,
            "//" => FloorDiv(i, j),
            "%" => i - j * FloorDiv(i, j),
            "**" => j >= 0 ? (object)(long)Math.Pow(i, j) : Math.Pow(i, j),
            _ => throw new JinjaRuntimeError(op, $"unknown operator '{op}'"),
        };
    }

    private static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }
}
