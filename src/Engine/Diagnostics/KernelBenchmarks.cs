using Convert = Reasoning.Engine.Kernels.Convert;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Models;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Engine.Diagnostics;

/// <summary>
/// Throughput of the matrix kernels on the matrices of a Qwen2.5-0.5B-shaped model (hidden 896, intermediate 4864,
/// 14 heads and 2 KV heads of 64, vocabulary 151936, 24 layers), for <c>reason bench</c> and for tuning. Timings on a
/// shared machine are noisy: compare figures taken in one run.
/// </summary>
public static class KernelBenchmarks
{
    /// <summary>The model shape measured.</summary>
    public const int Hidden = 896, Intermediate = 4864, QueryWidth = 14 * 64, KvWidth = 2 * 64, Vocab = 151936, Layers = 24;

    /// <summary>What one measurement found.</summary>
    /// <param name="Rows">Activation rows per multiply (1 = decode GEMV).</param>
    /// <param name="Threads">Threads of the team used.</param>
    /// <param name="LayerMilliseconds">Time of one layer's seven projections.</param>
    /// <param name="LmHeadMilliseconds">Time of the [vocab, hidden] output projection.</param>
    /// <param name="GigabytesPerSecond">Weight bytes streamed per second over the layer projections.</param>
    /// <param name="GigaflopsPerSecond">2 · rows · weights per second over the layer projections.</param>
    public sealed record Result(int Rows, int Threads, double LayerMilliseconds, double LmHeadMilliseconds,
        double GigabytesPerSecond, double GigaflopsPerSecond)
    {
        /// <summary>Estimated matrix time of one whole step: every layer plus the LM head.</summary>
        public double StepMilliseconds => Layers * LayerMilliseconds + LmHeadMilliseconds;

        /// <summary>Weight bytes one step streams (bf16).</summary>
        public static long StepBytes => ((long)Layers * LayerWeights + (long)Vocab * Hidden) * 2;

        /// <summary>The step time if the weights streamed at <paramref name="gigabytesPerSecond"/>.</summary>
        public static double BandwidthBoundMilliseconds(double gigabytesPerSecond) => StepBytes / gigabytesPerSecond / 1e6;
    }

    private const long LayerWeights = (long)QueryWidth * Hidden + 2L * KvWidth * Hidden + (long)Hidden * QueryWidth + 3L * Intermediate * Hidden;

    /// <summary>
    /// Times the layer projections (cycled over <paramref name="distinctLayers"/> layers, by default all 24 of the
    /// model, 0.7 GB, so the weights come from DRAM as in a decode step: 4 layers, 119 MB, stayed in a 260 MiB L3) and
    /// the LM head, each multiplying <paramref name="rows"/> rows, on a team of <paramref name="threads"/>.
    /// </summary>
    public static Result Measure(int rows, int threads, int distinctLayers = Layers, double seconds = 1.0, bool includeLmHead = true)
    {
        using var team = new ThreadTeam(threads);
        var layers = new List<WeightMatrix[]>();
        WeightMatrix? lmHead = null;
        try
        {
            for (int l = 0; l < distinctLayers; l++)
                layers.Add([Random(QueryWidth, Hidden, l), Random(KvWidth, Hidden, l), Random(KvWidth, Hidden, l),
                    Random(Hidden, QueryWidth, l), Random(Intermediate, Hidden, l), Random(Intermediate, Hidden, l),
                    Random(Hidden, Intermediate, l)]);
            var x = new float[rows * Intermediate];
            var y = new float[rows * Math.Max(Intermediate, Vocab)];
            // Activations of the size a real layer sees. (Random bit patterns would include subnormal floats, which
            // cost Intel cores a microcode assist per FMA and made this benchmark ~10× slow there.)
            var random = new Random(1);
            for (int i = 0; i < x.Length; i++)
                x[i] = (float)(random.NextDouble() * 2 - 1);

            void RunLayer(int l)
            {
                foreach (var w in layers[l % layers.Count])
                    MatMul.Multiply(w, x, rows, y, default, team);
            }
            double layerSeconds = Time(RunLayer, seconds);
            double lmSeconds = 0;
            if (includeLmHead)
            {
                lmHead = Random(Vocab, Hidden, 99);
                lmSeconds = Time(_ => MatMul.Multiply(lmHead, x, rows, y, default, team), seconds);
            }
            return new Result(rows, threads, layerSeconds * 1e3, lmSeconds * 1e3,
                LayerWeights * 2 / layerSeconds / 1e9, 2.0 * rows * LayerWeights / layerSeconds / 1e9);
        }
        finally
        {
            foreach (var layer in layers)
                foreach (var w in layer)
                    w.Dispose();
            lmHead?.Dispose();
        }
    }

    /// <summary>Average cost in microseconds of one empty <see cref="ThreadTeam.For(int, Action{int})"/> region of two parts.</summary>
    public static double DispatchMicroseconds(int threads, int regions = 100_000)
    {
        using var team = new ThreadTeam(threads);
        var work = new EmptyWork();
        for (int i = 0; i < 1000; i++)
            team.For(threads, work);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < regions; i++)
            team.For(threads, work);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / regions;
    }

    private readonly struct EmptyWork : ThreadTeam.IWork
    {
        public void Run(int part) { }
    }

    /// <summary>Mean seconds per call of <paramref name="body"/>(i), after a warm-up, repeated for about <paramref name="seconds"/>.</summary>
    private static double Time(Action<int> body, double seconds)
    {
        for (int i = 0; i < 4; i++)
            body(i);
        long start = Stopwatch.GetTimestamp();
        int calls = 0;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds || calls < 4)
            body(calls++);
        return Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
    }

    /// <summary>A bf16 matrix of small random values (no NaNs or infinities to slow anything down).</summary>
    private static WeightMatrix Random(int rows, int cols, int seed)
    {
        var random = new Random(seed * 7919 + rows + cols);
        var table = new ushort[4096];
        for (int i = 0; i < table.Length; i++)
            table[i] = Convert.SingleToBF16((float)(random.NextDouble() * 0.2 - 0.1));
        var data = new ushort[(long)rows * cols];
        for (long i = 0; i < data.Length; i++)
            data[i] = table[(i * 2654435761L >> 7) & 4095];
        return WeightMatrix.Pack(MemoryMarshal.AsBytes(data.AsSpan()), TensorDType.BF16, rows, cols);
    }
}
