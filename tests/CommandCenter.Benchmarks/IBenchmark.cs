namespace CommandCenter.Benchmarks;

/// <summary>
/// One benchmark of <c>scripts/bench</c>. It prints one summary line per figure and asserts nothing.
/// Register new ones in <see cref="Program.Benchmarks"/>.
/// </summary>
public interface IBenchmark
{
    /// <summary>The name given on the command line, e.g. <c>p1</c>.</summary>
    string Name { get; }

    Task RunAsync(BenchContext context, CancellationToken ct);
}
