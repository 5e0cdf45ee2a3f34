using System.Reflection;
using System.Runtime.CompilerServices;
using FluentAssertions;
using Reasoning.Engine.Kernels;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

public sealed class KernelStaticsTests
{
    /// <summary>
    /// The kernels are compiled fully optimised on first call, before their classes are initialised, so a static
    /// field they read costs a class-initialisation helper call. That call clobbers every vector register, and the
    /// JIT then kept the 4×4 tile's accumulators on the stack, storing them on every loop step: a layer at 16 rows
    /// took twice as long whenever the tile was compiled before its reductions had first run (found with
    /// <c>DOTNET_JitDisasm</c>). Constants must be written where they are used (<c>Vector512.Create(...)</c>) or as
    /// <c>const</c>.
    /// </summary>
    [Fact]
    public void Kernel_classes_hold_no_static_fields_that_need_class_initialisation()
    {
        var offenders =
            from type in typeof(MatMul).Assembly.GetTypes()
            where type.Namespace == typeof(MatMul).Namespace && !type.IsDefined(typeof(CompilerGeneratedAttribute), false)
            from field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            where !field.IsLiteral && !field.IsDefined(typeof(CompilerGeneratedAttribute), false)
            select $"{type.Name}.{field.Name}";
        offenders.Should().BeEmpty("a static field read by a fully optimised kernel makes the JIT spill its registers");
    }
}
