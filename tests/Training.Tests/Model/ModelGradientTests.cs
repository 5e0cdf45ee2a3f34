using FluentAssertions;
using Reasoning.Training.Model;
using Reasoning.Training.Tests.Support;
using Xunit;

namespace Reasoning.Training.Tests.Model;

public sealed class ModelGradientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Whole_model_gradient_matches_finite_differences(bool tied)
    {
        var layout = new ParameterLayout(TinyModels.Llama(tied: tied));
        var weights = new float[layout.Count];
        layout.Initialize(weights, 7, std: 0.3f);
        var rng = new Random(3);
        foreach (var t in layout.Tensors.Where(t => t.Shape.Length == 1))
            for (int i = 0; i < t.Count; i++)
                weights[t.Offset + i] = 1f + (float)(rng.NextDouble() - 0.5);
        var batch = PackedBatch.Pack(
        [
            ([1, 5, 9, 3, 22, 4, 8], 3),
            ([2, 7, 7, 11, 23], 1),
        ], weight: 1f / 9);
        var pass = new TrainingPass(layout, 16, 16);
        var grads = new float[layout.Count];
        pass.ForwardBackward(weights, grads, batch);

        double Loss() => pass.ForwardBackward(weights, new float[layout.Count], batch).WeightedLoss;
        foreach (var tensor in layout.Tensors)
        {
            var values = weights.AsSpan(tensor.Offset, tensor.Count);
            var step = Math.Max(1, tensor.Count / 6);
            for (int i = 0; i < tensor.Count; i += step)
            {
                int index = tensor.Offset + i;
                double numeric = Numeric.Derivative(Loss, weights, index, 1e-2f);
                double error = Math.Abs(numeric - grads[index]);
                error.Should().BeLessThan(3e-2 * Math.Max(1e-3, Math.Max(Math.Abs(numeric), Math.Abs(grads[index]))) + 2e-5,
                    $"{tensor.Name}[{i}]: analytic {grads[index]}, finite difference {numeric}");
            }
        }
    }

    [Fact]
    public void Gradient_is_bitwise_identical_for_one_and_two_threads()
    {
        var layout = new ParameterLayout(TinyModels.Llama());
        var weights = new float[layout.Count];
        layout.Initialize(weights, 1);
        var batch = PackedBatch.Pack([([1, 2, 3, 4, 5, 6], 2), ([7, 8, 9], 1)], 1f / 6);
        var one = new float[layout.Count];
        var two = new float[layout.Count];
        new TrainingPass(layout, 16, 16, threads: 1).ForwardBackward(weights, one, batch);
        new TrainingPass(layout, 16, 16, threads: 2).ForwardBackward(weights, two, batch);
        two.Should().Equal(one);
    }
}
