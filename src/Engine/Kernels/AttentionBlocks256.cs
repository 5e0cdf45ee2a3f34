using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

// The attention inner loops for machines without AVX-512, rounded exactly as the one-key-at-a-time forms, like their
// Vector512 counterparts. With one key at a time a score paid a horizontal sum for 2·headDim/16 FMAs, and a value
// pass kept a single accumulator chain per 8 lanes, bound by the FMA latency (5 cycles on Zen 1) instead of its rate.
internal static partial class AttentionBlocks
{
    /// <summary>
    /// 4 consecutive keys of a chunk-major block: each chunk's 4 × 16 lanes are one 256-byte run, held as two halves
    /// per key (8 accumulators) and reduced together by <see cref="Reductions.Sum4(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>,
    /// bitwise the <see cref="Vectors.Sum(Vector256{float}, Vector256{float})"/> of each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores4Chunked256(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int planeSlots, float scale, Span<float> scores)
    {
        int headDim = q.Length;
        ref float pq = ref MemoryMarshal.GetReference(q);
        ref float k = ref MemoryMarshal.GetReference(keys);
        Vector256<float> l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default, l3 = default, h3 = default;
        nuint plane = (nuint)(planeSlots * 16);
        nuint at = 0;
        for (nuint d = 0; d < (nuint)headDim; d += 16, at += plane)
        {
            var xl = Vector256.LoadUnsafe(ref pq, d);
            var xh = Vector256.LoadUnsafe(ref pq, d + 8);
            l0 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref k, at), l0);
            h0 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref k, at + 8), h0);
            l1 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref k, at + 16), l1);
            h1 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref k, at + 24), h1);
            l2 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref k, at + 32), l2);
            h2 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref k, at + 40), h2);
            l3 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref k, at + 48), l3);
            h3 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref k, at + 56), h3);
        }
        (Reductions.Sum4(l0, h0, l1, h1, l2, h2, l3, h3) * Vector128.Create(scale)).StoreUnsafe(ref MemoryMarshal.GetReference(scores));
    }

    /// <summary>How a block stores 32 lanes of a value row, read as four Vector256s (lanes 0–7, 8–15, 16–23, 24–31).</summary>
    private interface IValueRows256
    {
        static abstract void Load32(ref byte row, out Vector256<float> v0, out Vector256<float> v1, out Vector256<float> v2, out Vector256<float> v3);
    }

    /// <summary>f32 lanes in order.</summary>
    private struct F32Rows256 : IValueRows256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Load32(ref byte row, out Vector256<float> v0, out Vector256<float> v1, out Vector256<float> v2, out Vector256<float> v3)
        {
            ref float f = ref Unsafe.As<byte, float>(ref row);
            v0 = Vector256.LoadUnsafe(ref f);
            v1 = Vector256.LoadUnsafe(ref f, 8);
            v2 = Vector256.LoadUnsafe(ref f, 16);
            v3 = Vector256.LoadUnsafe(ref f, 24);
        }
    }

    /// <summary>Two queries, 32 lanes: eight accumulators sharing each value load; rows <paramref name="rowBytes"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate2x32<T>(ref float w, int weightStride, ref byte v, int rowBytes, int n, ref float o, int outputStride)
        where T : struct, IValueRows256
    {
        ref float o1 = ref Unsafe.Add(ref o, outputStride);
        ref float w1 = ref Unsafe.Add(ref w, weightStride);
        Vector256<float> a0 = Vector256.LoadUnsafe(ref o), a1 = Vector256.LoadUnsafe(ref o, 8), a2 = Vector256.LoadUnsafe(ref o, 16), a3 = Vector256.LoadUnsafe(ref o, 24);
        Vector256<float> b0 = Vector256.LoadUnsafe(ref o1), b1 = Vector256.LoadUnsafe(ref o1, 8), b2 = Vector256.LoadUnsafe(ref o1, 16), b3 = Vector256.LoadUnsafe(ref o1, 24);
        for (int i = 0; i < n; i++)
        {
            T.Load32(ref Unsafe.Add(ref v, (nint)i * rowBytes), out var v0, out var v1, out var v2, out var v3);
            var x = Vector256.Create(Unsafe.Add(ref w, i));
            a0 = Vector256.FusedMultiplyAdd(x, v0, a0); a1 = Vector256.FusedMultiplyAdd(x, v1, a1);
            a2 = Vector256.FusedMultiplyAdd(x, v2, a2); a3 = Vector256.FusedMultiplyAdd(x, v3, a3);
            x = Vector256.Create(Unsafe.Add(ref w1, i));
            b0 = Vector256.FusedMultiplyAdd(x, v0, b0); b1 = Vector256.FusedMultiplyAdd(x, v1, b1);
            b2 = Vector256.FusedMultiplyAdd(x, v2, b2); b3 = Vector256.FusedMultiplyAdd(x, v3, b3);
        }
        a0.StoreUnsafe(ref o); a1.StoreUnsafe(ref o, 8); a2.StoreUnsafe(ref o, 16); a3.StoreUnsafe(ref o, 24);
        b0.StoreUnsafe(ref o1); b1.StoreUnsafe(ref o1, 8); b2.StoreUnsafe(ref o1, 16); b3.StoreUnsafe(ref o1, 24);
    }

    /// <summary>One query, 32 lanes: four independent accumulators; rows <paramref name="rowBytes"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate1x32<T>(ref float w, ref byte v, int rowBytes, int n, ref float o)
        where T : struct, IValueRows256
    {
        Vector256<float> a0 = Vector256.LoadUnsafe(ref o), a1 = Vector256.LoadUnsafe(ref o, 8), a2 = Vector256.LoadUnsafe(ref o, 16), a3 = Vector256.LoadUnsafe(ref o, 24);
        for (int i = 0; i < n; i++)
        {
            T.Load32(ref Unsafe.Add(ref v, (nint)i * rowBytes), out var v0, out var v1, out var v2, out var v3);
            var x = Vector256.Create(Unsafe.Add(ref w, i));
            a0 = Vector256.FusedMultiplyAdd(x, v0, a0);
            a1 = Vector256.FusedMultiplyAdd(x, v1, a1);
            a2 = Vector256.FusedMultiplyAdd(x, v2, a2);
            a3 = Vector256.FusedMultiplyAdd(x, v3, a3);
        }
        a0.StoreUnsafe(ref o); a1.StoreUnsafe(ref o, 8); a2.StoreUnsafe(ref o, 16); a3.StoreUnsafe(ref o, 24);
    }
}
