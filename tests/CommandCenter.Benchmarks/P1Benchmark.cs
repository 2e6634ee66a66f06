using System.Diagnostics;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// P1: incidents/s through <see cref="IncidentBulkWriter"/> ÷ a plain binary COPY of the same pre-generated rows
/// (<see cref="PlainCopy"/>), each run on a fresh database, the order alternating. Goal ≥ 0.7.
/// </summary>
public sealed class P1Benchmark : IBenchmark
{
    public string Name => "p1";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var count = context.Options.Incidents ?? 200_000;
        var runs = context.Options.Runs;
        BulkIncident[] rows;
        double generationSeconds;
        await using (var db = await context.CreateDatabaseAsync(ct))
        await using (var sp = CoreServices.Create(db.ConnectionString))
        {
            var generator = await Generators.CreateAsync(sp, ct: ct);
            var watch = Stopwatch.StartNew();
            rows = BenchContext.History(generator, count).ToArray();
            generationSeconds = watch.Elapsed.TotalSeconds;
        }
        var rowCount = rows.Length + rows.Sum(r => (long)r.Assignments.Count + r.Timeline.Count);
        Console.WriteLine($"Rows: {N(rows.Length)} incidents, {N(rowCount)} rows in all; generated in {F(generationSeconds, 1)} s");

        var bulk = new List<double>();
        var copy = new List<double>();
        var bulkCpu = new List<double>();
        var copyCpu = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var side in run % 2 == 1 ? new[] { "copy", "bulk" } : ["bulk", "copy"])
            {
                await using var db = await context.CreateDatabaseAsync(ct);
                await using var sp = CoreServices.Create(db.ConnectionString);
                await db.CheckpointAsync(ct);
                var cpu = await CpuMeter.StartAsync(db.ConnectionString);
                var seconds = side == "bulk"
                    ? (await sp.GetRequiredService<IncidentBulkWriter>().WriteAsync(rows, ct)).Elapsed.TotalSeconds
                    : await PlainCopy.WriteAsync(db.ConnectionString, rows, ct);
                var used = await cpu.StopAsync();
                (side == "bulk" ? bulk : copy).Add(rows.Length / seconds);
                (side == "bulk" ? bulkCpu : copyCpu).Add(used.Total);
                Console.WriteLine($"  run {run} {side}: {N(rows.Length / seconds)} incidents/s ({F(seconds, 1)} s); {used}");
            }
        }
        var (b, c) = (Median(bulk), Median(copy));
        Console.WriteLine($"P1 bulk/copy ratio: {F(b / c)} (bulk {N(b)} incidents/s, copy {N(c)} incidents/s; {N(rows.Length)} incidents, " +
            $"{N(rowCount)} rows, {runs} runs, median; goal >= 0.7)");
        // Less sensitive to other load on the machine than wall time: the CPU both sides spend on the same rows.
        Console.WriteLine($"P1 copy/bulk CPU ratio: {F(Median(copyCpu) / Median(bulkCpu))} (bulk {F(Median(bulkCpu), 1)} s, copy {F(Median(copyCpu), 1)} s " +
            "of client + server CPU, median; 1.0 = the same work)");

        // End to end, as the simulator writes history: generation on the same thread, feeding the writer lazily.
        rows = [];
        await using (var db = await context.CreateDatabaseAsync(ct))
        await using (var sp = CoreServices.Create(db.ConnectionString))
        {
            var generator = await Generators.CreateAsync(sp, ct: ct);
            await db.CheckpointAsync(ct);
            var result = await sp.GetRequiredService<IncidentBulkWriter>().WriteAsync(BenchContext.History(generator, count), ct);
            var seconds = result.Elapsed.TotalSeconds;
            Console.WriteLine($"P1 end to end (generation included): {N(result.IncidentIds.Count / seconds)} incidents/s, {N(result.RowsPerSecond)} rows/s " +
                $"({N(result.IncidentIds.Count)} incidents in {F(seconds, 1)} s; generation alone {N(count / generationSeconds)} incidents/s)");
        }
    }
}
