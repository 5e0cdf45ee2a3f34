using Reasoning.Engine.Kernels;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Diagnostics;

/// <summary>
/// The two ceilings every engine figure is judged against, measured on the machine at hand: DRAM read bandwidth
/// (bounds batch-1 decode, which streams every weight once a token) and f32 FMA throughput (bounds prefill and
/// batched decode). Measure them in the same run as the figure: a shared machine's speed changes by the minute.
/// </summary>
public static unsafe class MachineCeilings
{
    /// <summary>GB/s read by <paramref name="threads"/> threads summing disjoint parts of a buffer far larger than the caches.</summary>
    public static double ReadBandwidth(int threads, long bytes = 512L << 20, double seconds = 1.0)
    {
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        try
        {
            new Span<byte>(buffer, (int)Math.Min(bytes, int.MaxValue)).Fill(1);
            for (long i = int.MaxValue; i < bytes; i += 4096)
                buffer[i] = 1;
            long part = bytes / threads / 64 * 64;
            SumAll(buffer, part, threads);   // fault the pages in and warm up
            long passes = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                SumAll(buffer, part, threads);
                passes++;
            }
            return passes * part * threads / clock.Elapsed.TotalSeconds / 1e9;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>GFLOP/s of independent f32 FMA chains (2 FLOPs a lane), on <paramref name="threads"/> threads at once.</summary>
    public static double FmaThroughput(int threads, double seconds = 1.0)
    {
        const long iterations = 20_000_000;
        Chains(1000);   // JIT and clocks up
        var clock = Stopwatch.StartNew();
        long rounds = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Chains(iterations));
            rounds++;
        }
        int lanes = Vector512.IsHardwareAccelerated ? 16 : 8;
        return rounds * threads * iterations * 12.0 * lanes * 2 / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static void SumAll(byte* buffer, long part, int threads)
    {
        if (threads == 1)
            Sum(buffer, part);
        else
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => Sum(buffer + t * part, part));
    }

    private static float Sum(byte* p, long bytes)
    {
        Vector256<float> a = default, b = default, c = default, d = default;
        for (long i = 0; i < bytes; i += 128)
        {
            a += Vector256.Load((float*)(p + i));
            b += Vector256.Load((float*)(p + i + 32));
            c += Vector256.Load((float*)(p + i + 64));
            d += Vector256.Load((float*)(p + i + 96));
        }
        return Vector256.Sum(a + b + c + d);
    }

    // 12 independent accumulators hide the FMA latency on both kinds of core; the result is kept alive.
    private static float Chains(long iterations)
    {
        return Vector512.IsHardwareAccelerated ? Wide(iterations) : Narrow(iterations);

        static float Narrow(long n)
        {
            var x = Vector256.Create(0.999f);
            var y = Vector256.Create(1e-7f);
            Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
            for (long i = 0; i < n; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
                a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
                a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
                a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
                a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
                a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
            }
            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }

        static float Wide(long n)
        {
            var x = Vector512.Create(0.999f);
            var y = Vector512.Create(1e-7f);
            Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
            for (long i = 0; i < n; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
                a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
                a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
                a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
                a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
                a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
            }
            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }
    }
}
