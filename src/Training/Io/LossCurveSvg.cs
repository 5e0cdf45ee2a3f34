using System.Globalization;
using System.Text;

namespace Reasoning.Training.Io;

/// <summary>Draws a loss curve as a small standalone SVG: axes with tick labels, the raw curve and a smoothed one.</summary>
public static class LossCurveSvg
{
    private const int Width = 720, Height = 420, Left = 64, Right = 20, Top = 30, Bottom = 48;

    /// <summary>Renders (step, loss) points; returns the SVG text.</summary>
    public static string Render(IReadOnlyList<(long Step, double Loss)> points, string title)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        if (points.Count > 0)
        {
            long x0 = points[0].Step, x1 = Math.Max(points[^1].Step, x0 + 1);
            double y0 = Math.Min(0, points.Min(p => p.Loss)), y1 = Math.Max(points.Max(p => p.Loss), y0 + 1e-6);
            double Px(long s) => Left + (double)(s - x0) / (x1 - x0) * (Width - Left - Right);
            double Py(double l) => Height - Bottom - (l - y0) / (y1 - y0) * (Height - Top - Bottom);
            for (int i = 0; i <= 5; i++)
            {
                double value = y0 + (y1 - y0) * i / 5;
                long step = x0 + (x1 - x0) * i / 5;
                sb.Append(Line(Left, Py(value), Width - Right, Py(value), "#e5e5e5"));
                sb.Append(Text(Left - 6, Py(value) + 4, value.ToString("0.###", CultureInfo.InvariantCulture), "end"));
                sb.Append(Text(Px(step), Height - Bottom + 18, step.ToString(CultureInfo.InvariantCulture), "middle"));
            }
            sb.Append(Line(Left, Height - Bottom, Width - Right, Height - Bottom, "black"));
            sb.Append(Line(Left, Top, Left, Height - Bottom, "black"));
            sb.Append(Text(Width / 2.0, Height - 10, "step", "middle"));
            sb.Append(Polyline(points.Select(p => (Px(p.Step), Py(p.Loss))), "#9ecae1", 1));
            double smooth = points[0].Loss;
            var smoothed = new List<(double, double)>();
            foreach (var p in points)
            {
                smooth = 0.9 * smooth + 0.1 * p.Loss;
                smoothed.Add((Px(p.Step), Py(smooth)));
            }
            sb.Append(Polyline(smoothed, "#08519c", 2));
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static string Line(double xa, double ya, double xb, double yb, string color) =>
        string.Create(CultureInfo.InvariantCulture, $"<line x1=\"{xa:0.#}\" y1=\"{ya:0.#}\" x2=\"{xb:0.#}\" y2=\"{yb:0.#}\" stroke=\"{color}\"/>\n");

    private static string Text(double x, double y, string text, string anchor) =>
        string.Create(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" text-anchor=\"{anchor}\">{Escape(text)}</text>\n");

    private static string Polyline(IEnumerable<(double X, double Y)> points, string color, double width) =>
        "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"" + width.ToString(CultureInfo.InvariantCulture) + "\" points=\""
        + string.Join(" ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}"))) + "\"/>\n";

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
