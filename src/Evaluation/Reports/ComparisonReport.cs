using System.Globalization;
using System.Text;

namespace Reasoning.Evaluation.Reports;

/// <summary>
/// Tables and plots comparing evaluations, in the shape of the APR paper's figures: accuracy against mean total
/// tokens and against mean latency, one line per strategy through its context windows.
/// </summary>
public static class ComparisonReport
{
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"];

    /// <summary>A Markdown table, one row per evaluation, ordered by strategy then context.</summary>
    public static string MarkdownTable(IEnumerable<EvaluationSummary> summaries)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| strategy | context | problems | accuracy | 95% interval | mean total tokens | mean sequential tokens | mean latency |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in Order(summaries))
        {
            var (low, high) = s.AccuracyInterval;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Strategy} | {s.Context} | {s.Problems} | {s.Accuracy * 100:0.0}% | {low * 100:0}–{high * 100:0}% | {s.MeanTotalTokens:N0} | {s.MeanSequentialTokens:N0} | {s.MeanLatencyMs / 1000:0.00} s |"));
        }
        foreach (var s in Order(summaries).Where(s => s.Machines.Count > 1))
            sb.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"The mean latency of {s.Strategy} at {s.Context} mixes records from {s.Machines.Count} machines ({string.Join("; ", s.Machines)}): it compares with nothing."));
        return sb.ToString();
    }

    /// <summary>
    /// An SVG line plot of accuracy (y, percent) against <paramref name="x"/>, one polyline per strategy through its
    /// evaluations ordered by context, each point labelled with its context window.
    /// </summary>
    public static string Plot(IEnumerable<EvaluationSummary> summaries, Func<EvaluationSummary, double> x, string xLabel, string title)
    {
        var all = Order(summaries).ToList();
        const double W = 640, H = 420, left = 70, right = 150, top = 40, bottom = 60;
        double plotW = W - left - right, plotH = H - top - bottom;
        double xMax = all.Count == 0 ? 1 : NiceCeiling(all.Max(x));
        double yMax = all.Count == 0 ? 1 : Math.Min(1, NiceCeiling(Math.Max(0.05, all.Max(s => s.AccuracyInterval.High))));
        double X(double v) => left + v / xMax * plotW;
        double Y(double v) => top + plotH - v / yMax * plotH;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine(inv, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        sb.AppendLine(inv, $"<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>");
        for (int i = 0; i <= 5; i++)
        {
            double yv = yMax * i / 5, xv = xMax * i / 5;
            sb.AppendLine(inv, $"<line x1=\"{left}\" y1=\"{Y(yv):0.#}\" x2=\"{left + plotW}\" y2=\"{Y(yv):0.#}\" stroke=\"#e5e5e5\"/>");
            sb.AppendLine(inv, $"<text x=\"{left - 6}\" y=\"{Y(yv) + 4:0.#}\" text-anchor=\"end\">{yv * 100:0.#}%</text>");
            sb.AppendLine(inv, $"<text x=\"{X(xv):0.#}\" y=\"{top + plotH + 18}\" text-anchor=\"middle\">{FormatTick(xv)}</text>");
        }
        sb.AppendLine(inv, $"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#333\"/>");
        sb.AppendLine(inv, $"<text x=\"{left + plotW / 2}\" y=\"{H - 15}\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        sb.AppendLine(inv, $"<text transform=\"translate(18 {top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">accuracy</text>");
        int series = 0;
        foreach (var group in all.GroupBy(s => s.Strategy))
        {
            string color = Colors[series % Colors.Length];
            var points = group.OrderBy(s => s.Context).ToList();
            sb.AppendLine(inv, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(" ", points.Select(p => string.Create(inv, $"{X(x(p)):0.#},{Y(p.Accuracy):0.#}")))}\"/>");
            foreach (var p in points)
            {
                var (low, high) = p.AccuracyInterval;
                sb.AppendLine(inv, $"<line x1=\"{X(x(p)):0.#}\" y1=\"{Y(low):0.#}\" x2=\"{X(x(p)):0.#}\" y2=\"{Y(high):0.#}\" stroke=\"{color}\" stroke-opacity=\"0.4\"/>");
                sb.AppendLine(inv, $"<circle cx=\"{X(x(p)):0.#}\" cy=\"{Y(p.Accuracy):0.#}\" r=\"4\" fill=\"{color}\"><title>{Escape(p.Strategy)} at {p.Context}: {p.Accuracy * 100:0.0}%</title></circle>");
                sb.AppendLine(inv, $"<text x=\"{X(x(p)) + 6:0.#}\" y=\"{Y(p.Accuracy) - 6:0.#}\" fill=\"{color}\" font-size=\"10\">{p.Context / 1024.0:0.#}k</text>");
            }
            double ly = top + 10 + series * 20;
            sb.AppendLine(inv, $"<line x1=\"{left + plotW + 15}\" y1=\"{ly}\" x2=\"{left + plotW + 35}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2\"/>");
            sb.AppendLine(inv, $"<text x=\"{left + plotW + 40}\" y=\"{ly + 4}\">{Escape(group.Key)}</text>");
            series++;
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    private static IEnumerable<EvaluationSummary> Order(IEnumerable<EvaluationSummary> summaries) =>
        summaries.OrderBy(s => s.Strategy, StringComparer.Ordinal).ThenBy(s => s.Context);

    /// <summary>The smallest of 1, 2, 2.5, 5 × 10^k at or above <paramref name="v"/>.</summary>
    internal static double NiceCeiling(double v)
    {
        if (v <= 0 || double.IsNaN(v))
            return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
            if (m * magnitude >= v * (1 - 1e-12))
                return m * magnitude;
        return 10 * magnitude;
    }

    private static string FormatTick(double v) => v >= 10_000 ? (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k" : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string s) => System.Security.SecurityElement.Escape(s) ?? "";
}
