using CommandCenter.Core.Features.Incidents;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Backfill: a year of incidents (2.4 M by default; 24 M is one Beijing year) from the simulator's generator through
/// <see cref="IncidentBulkWriter"/> into a fresh database, generation included, as one write.
/// </summary>
public sealed class BackfillBenchmark : IBenchmark
{
    public string Name => "backfill";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var count = context.Options.Incidents ?? 2_400_000;
        await using var db = await context.CreateDatabaseAsync(ct, context.Options.Keep ? BenchContext.YearDatabase : null);
        await using var sp = CoreServices.Create(db.ConnectionString);
        var generator = await Generators.CreateAsync(sp, ct: ct);
        var before = await db.SizeBytesAsync();
        await db.CheckpointAsync(ct);
        var cpu = await CpuMeter.StartAsync(db.ConnectionString);
        var result = await sp.GetRequiredService<IncidentBulkWriter>().WriteAsync(BenchContext.Span(generator, count, 365), ct);
        var used = await cpu.StopAsync();
        var size = await db.SizeBytesAsync();
        var seconds = result.Elapsed.TotalSeconds;
        Console.WriteLine($"  {used}");
        Console.WriteLine($"Backfill: {N(result.IncidentIds.Count)} incidents ({N(result.Rows)} rows) in {F(seconds, 1)} s: " +
            $"{N(result.IncidentIds.Count / seconds)} incidents/s, {N(result.RowsPerSecond)} rows/s; database {Bytes(size)} " +
            $"({Bytes(size - before)} written; generation included){(context.Options.Keep ? $"; kept as {db.Name}" : "")}");
    }
}
