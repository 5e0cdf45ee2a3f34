using FluentAssertions;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Kv;

public sealed class KvSequenceTests
{
    private static PagePool NewPool(int pages = 32, int pageSize = 4) => new(Fixtures.Model("tiny-llama").Config, pages, pageSize);

    [Fact]
    public void Fork_shares_pages_without_copying()
    {
        using var pool = NewPool();
        using var parent = new KvSequence(pool);
        parent.Reserve(16);
        parent.Commit(16);
        int free = pool.FreeCount;

        var children = Enumerable.Range(0, 8).Select(_ => parent.Fork()).ToList();

        pool.FreeCount.Should().Be(free, "forking copies the span list, not the KV");
        parent.Tail.PageIds.Should().OnlyContain(p => pool.RefCount(p) == 9);
        children.ForEach(c => c.Dispose());
        parent.Tail.PageIds.Should().OnlyContain(p => pool.RefCount(p) == 1);
    }

    [Theory]
    [InlineData(KvDType.F32, 0)]
    [InlineData(KvDType.BF16, 0)]
    [InlineData(KvDType.F32, 96)]
    [InlineData(KvDType.BF16, 96)]   // three paired bf16 units a head
    [InlineData(KvDType.BF16, 48)]   // three 16-lane chunks: not paired
    public void The_copy_of_a_shared_partial_page_holds_every_key_and_value_of_the_parent(KvDType type, int headDim)
    {
        var config = Fixtures.Model("tiny-qwen3").Config;
        if (headDim > 0)
            config = config with { HeadDim = headDim };
        using var pool = new PagePool(config, 32, 4, type);
        pool.KeysChunkMajor.Should().BeTrue("tiny-qwen3's heads are 32 wide (two chunks), and the others multiples of 16");
        pool.PairedBF16.Should().Be(type == KvDType.BF16 && config.HeadDim % 32 == 0);
        using var parent = new KvSequence(pool);
        parent.Reserve(6);
        var random = new Random(6);
        var written = new Dictionary<(int Slot, int Layer, bool Value, int Head), float[]>();
        for (int slot = 0; slot < 2; slot++)
            for (int l = 0; l < config.NumLayers; l++)
                for (int h = 0; h < config.NumKvHeads; h++)
                    foreach (bool value in new[] { false, true })
                    {
                        // Values exact in bf16, so both element types must give them back bit for bit.
                        var v = Enumerable.Range(0, config.HeadDim).Select(_ => (float)random.Next(-64, 64) / 8).ToArray();
                        pool.Write(parent.Tail.PageIds[1], l, value, h, slot, v);
                        written[(slot, l, value, h)] = v;
                    }
        parent.Commit(6);
        using var child = parent.Fork();
        child.Reserve(1);
        int copy = child.Tail.PageIds[1];
        copy.Should().NotBe(parent.Tail.PageIds[1]);

        foreach (var ((slot, l, value, h), expected) in written)
        {
            // Read back one vector through the documented layouts: rows for values, [chunk][slot][16] for keys.
            var block = new float[pool.PageSize * config.HeadDim];
            pool.Read(copy, l, value, h, 2, block);
            var actual = value
                ? block.AsSpan(slot * config.HeadDim, config.HeadDim).ToArray()
                : Enumerable.Range(0, config.HeadDim).Select(d => block[(d / 16 * pool.PageSize + slot) * 16 + d % 16]).ToArray();
            actual.Should().Equal(expected, $"slot {slot}, layer {l}, {(value ? "value" : "key")} head {h}");
        }
    }

    [Fact]
    public void Writing_into_a_shared_partial_page_copies_it_first()
    {
        using var pool = NewPool();
        using var parent = new KvSequence(pool);
        parent.Reserve(6);
        pool.Head(parent.Tail.PageIds[1], 0, false, 0)[0] = 42f;
        parent.Commit(6);
        using var child = parent.Fork();

        child.Reserve(1);

        child.Tail.PageIds[0].Should().Be(parent.Tail.PageIds[0], "full pages stay shared");
        child.Tail.PageIds[1].Should().NotBe(parent.Tail.PageIds[1], "the partial page is copied before the child writes");
        pool.Head(child.Tail.PageIds[1], 0, false, 0)[0].Should().Be(42f, "the copy holds the parent's tokens");
    }

    [Fact]
    public void Truncate_and_remove_release_pages()
    {
        using var pool = NewPool();
        var seq = new KvSequence(pool);
        seq.Reserve(10);
        seq.Commit(10);
        seq.StartSpan(100);
        seq.Reserve(5);
        seq.Commit(5);
        seq.Length.Should().Be(15);

        seq.Remove(0);
        seq.Length.Should().Be(5);
        seq.Truncate(2);
        seq.Length.Should().Be(2);
        pool.FreeCount.Should().Be(pool.PageCount - 1);
        seq.Dispose();
        pool.FreeCount.Should().Be(pool.PageCount);
    }

    [Fact]
    public void An_exhausted_pool_raises_a_typed_error_that_says_what_to_do()
    {
        using var pool = NewPool(pages: 2, pageSize: 4);
        using var seq = new KvSequence(pool);
        var act = () => seq.Reserve(9);
        act.Should().Throw<KvCacheExhaustedException>().WithMessage("*KV cache is full*more KV memory*");
    }
}
