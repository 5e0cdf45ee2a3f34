using FluentAssertions;

namespace Reasoning.Training.Tests.Support;

/// <summary>Random inputs and central finite differences for gradient checks.</summary>
public static class Numeric
{
    public static float[] Random(int n, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    /// <summary>(f(x + h) − f(x − h)) / 2h for one element of <paramref name="x"/>, restoring it afterwards.</summary>
    public static double Derivative(Func<double> f, float[] x, int index, float h = 1e-2f)
    {
        float saved = x[index];
        x[index] = saved + h;
        double plus = f();
        x[index] = saved - h;
        double minus = f();
        x[index] = saved;
        return (plus - minus) / (2.0 * h);
    }

    /// <summary>Checks every element (or <paramref name="samples"/> spread over the array) against finite differences.</summary>
    public static void CheckGradient(Func<double> f, float[] x, float[] analytic, string what, int samples = int.MaxValue, float h = 1e-2f, double tolerance = 2e-2)
    {
        int step = Math.Max(1, x.Length / Math.Min(samples, x.Length));
        for (int i = 0; i < x.Length; i += step)
        {
            double numeric = Derivative(f, x, i, h);
            double error = Math.Abs(numeric - analytic[i]);
            error.Should().BeLessThan(tolerance * Math.Max(1e-2, Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]))),
                $"{what}[{i}]: analytic {analytic[i]}, finite difference {numeric}");
        }
    }

    /// <summary>Σ r[i]·y[i] in double: a random linear loss whose gradient with respect to y is r.</summary>
    public static double Project(float[] y, float[] r)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++)
            s += (double)y[i] * r[i];
        return s;
    }
}
