using FluentAssertions;
using Reasoning.Engine.Io;
using Xunit;

namespace Reasoning.Engine.Tests.Io;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_write_that_fails_leaves_the_old_file_and_no_temporary_file()
    {
        string dir = Directory.CreateTempSubdirectory("reasoning-atomic-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            File.WriteAllText(path, "old");
            var write = () => AtomicFile.Write(path, s => { s.Write([1, 2, 3]); throw new IOException("disk full"); });

            write.Should().Throw<IOException>().WithMessage("disk full");
            File.ReadAllText(path).Should().Be("old");
            Directory.GetFiles(dir).Should().Equal(path);

            AtomicFile.WriteAllBytes(path, "new"u8);
            File.ReadAllText(path).Should().Be("new");
            Directory.GetFiles(dir).Should().Equal(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
