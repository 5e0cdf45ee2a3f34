using System.Globalization;
using System.Text;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// The functions every chat template may call: <c>namespace()</c>, <c>raise_exception(message)</c>, <c>range()</c>,
/// <c>dict()</c> and transformers' <c>strftime_now(format)</c> (Llama 3.2's "Today Date"), whose clock is injectable.
/// </summary>
internal static class JinjaGlobals
{
    /// <summary>The most items <c>range()</c> makes: a bound, so that a template cannot exhaust memory.</summary>
    public const int MaxItems = 1_000_000;

    /// <summary>Puts the functions into <paramref name="scope"/>; <paramref name="now"/> is the clock of <c>strftime_now</c>.</summary>
    public static void Install(JinjaScope scope, Func<DateTimeOffset> now)
    {
        scope.Set("namespace", (JinjaFunction)Namespace);
        scope.Set("raise_exception", (JinjaFunction)RaiseException);
        scope.Set("range", (JinjaFunction)Range);
        scope.Set("dict", (JinjaFunction)Dict);
        scope.Set("strftime_now", (JinjaFunction)(call => Strftime(now(), call.Argument(0, "format") as string
            ?? throw new JinjaRuntimeError("strftime_now", "strftime_now() needs a format string"))));
    }

    private static object? Namespace(JinjaCall call)
    {
        var ns = new JinjaNamespace();
        foreach (var argument in call.Positional)
        {
            if (argument is not OrderedDictionary<string, object?> initial)
                throw new JinjaRuntimeError("namespace", $"namespace() takes a mapping or keyword arguments, not {JinjaValues.Describe(argument)}");
            foreach (var (key, value) in initial)
                ns.Values[key] = value;
        }
        foreach (var (key, value) in call.Keywords)
            ns.Values[key] = value;
        return ns;
    }

    private static object? Dict(JinjaCall call)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in call.Keywords)
            dict[key] = value;
        return dict;
    }

    private static object? RaiseException(JinjaCall call) =>
        throw new ChatTemplateException(ChatTemplateErrorKind.Raised, call.Line, "raise_exception",
            $"the template rejected the input: {JinjaValues.ToText(call.Argument(0, "message", ""))}");

    private static object? Range(JinjaCall call)
    {
        var numbers = call.Positional.Select(a => a is long or bool ? JinjaValues.ToLong(a) : throw new JinjaRuntimeError("range", "range() takes integers")).ToList();
        var (start, stop, step) = numbers.Count switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw new JinjaRuntimeError("range", "range() takes one to three integers"),
        };
        if (step == 0)
            throw new JinjaRuntimeError("range", "range() step must not be zero");
        var count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        if (count > MaxItems)
            throw new JinjaRuntimeError("range", $"range() of {count} items is more than a chat template needs (at most {MaxItems})");
        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
            result.Add(i);
        return result;
    }

    /// <summary>C's strftime for the directives chat templates use (%d %b %Y and the usual date and time fields).</summary>
    public static string Strftime(DateTimeOffset time, string format)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                text.Append(format[i]);
                continue;
            }
            var directive = format[++i];
            text.Append(directive switch
            {
                'd' => time.Day.ToString("00", culture),
                'm' => time.Month.ToString("00", culture),
                'Y' => time.Year.ToString(culture),
                'y' => (time.Year % 100).ToString("00", culture),
                'b' => time.ToString("MMM", culture),
                'B' => time.ToString("MMMM", culture),
                'a' => time.ToString("ddd", culture),
                'A' => time.ToString("dddd", culture),
                'H' => time.Hour.ToString("00", culture),
                'I' => ((time.Hour + 11) % 12 + 1).ToString("00", culture),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'M' => time.Minute.ToString("00", culture),
                'S' => time.Second.ToString("00", culture),
                'j' => time.DayOfYear.ToString("000", culture),
                '%' => "%",
                _ => throw new JinjaRuntimeError("strftime_now", $"strftime_now() does not support the directive %{directive}", unsupported: true),
            });
        }
        return text.ToString();
    }
}
