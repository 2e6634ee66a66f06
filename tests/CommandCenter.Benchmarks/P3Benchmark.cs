using System.Diagnostics;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// P3: the heatmap's data for 7-day and 30-day windows from the rollups (<see cref="RollupStore.HeatAsync"/>), with
/// and without a category filter, p50/p95 over repeated calls (goal p95 ≤ 50 ms), against the same answer by
/// GROUP BY over the raw incidents in the same run. The incidents (<c>--incidents</c>, default 2,000,000; the
/// issue's target is 24 M, a Beijing year) are spread over the 30 days before <see cref="BenchContext.HistoryEnd"/>
/// and written with <see cref="IncidentBulkWriter"/>; the rollups are then built in full by
/// <see cref="RollupStore.OpenAsync"/>.
/// </summary>
public sealed class P3Benchmark : IBenchmark
{
    private const int RollupCalls = 40;
    private const int RawCalls = 5;

    public string Name => "p3";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        await using var db = context.Options.Reuse
            ? await context.OpenKeptAsync(BenchContext.YearDatabase, ct)
            : await context.CreateDatabaseAsync(ct);
        await using var sp = CoreServices.Create(db.ConnectionString);
        var dataSource = sp.GetRequiredService<NpgsqlDataSource>();
        int count;
        if (context.Options.Reuse)
        {
            count = await ScalarAsync<int>(dataSource, "select count(*)::int from incident", ct);
            // Rebuilt from scratch, like a first start: the kept year may hold rollups of an older layout, or none.
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition("delete from rollup_state", cancellationToken: ct));
            // Statistics first, as autovacuum would have them by now in a running system: the rebuild plans by them.
            await conn.ExecuteAsync(new CommandDefinition("analyze incident; analyze assignment", commandTimeout: 0, cancellationToken: ct));
            Console.WriteLine($"  reusing {db.Name}: {N(count)} incidents; {Load()}");
        }
        else
        {
            var generator = await Generators.CreateAsync(sp, ct: ct);
            var write = await sp.GetRequiredService<IncidentBulkWriter>().WriteAsync(BenchContext.Span(generator, context.Options.Incidents ?? 2_000_000, 30), ct);
            count = write.IncidentIds.Count;
            Console.WriteLine($"  wrote {N(count)} incidents over 30 days in {F(write.Elapsed.TotalSeconds, 1)} s; {Load()}");
        }

        var store = sp.GetRequiredService<RollupStore>();
        var build = Stopwatch.StartNew();
        await store.OpenAsync(ct);
        build.Stop();
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            await conn.ExecuteAsync("vacuum analyze incident");
            await conn.ExecuteAsync("vacuum analyze rollup_cell");
        }
        await db.CheckpointAsync(ct);
        var cells = await ScalarAsync<long>(dataSource, "select count(*) from rollup_cell", ct);
        Console.WriteLine($"  rollups built from scratch in {F(build.Elapsed.TotalSeconds, 1)} s: {N(cells)} rollup_cell rows ({F(cells / (double)count)} per incident); database {Bytes(await db.SizeBytesAsync())}; {Load()}");

        var top = (await store.TopCategoriesAsync(BenchContext.HistoryEnd.AddDays(-30), BenchContext.HistoryEnd, 1, ct))[0].ServiceCode;
        var grid = sp.GetRequiredService<RollupGrid>();
        foreach (var days in new[] { 7, 30 })
        {
            foreach (var codes in new[] { null, new[] { top } })
            {
                var from = BenchContext.HistoryEnd.AddDays(-days);
                var to = BenchContext.HistoryEnd;
                IReadOnlyList<HeatCell> fromRollups = [];
                var rollupMs = await TimeAsync(RollupCalls, async () => fromRollups = await store.HeatAsync(from, to, codes, ct));
                var heat = sp.GetRequiredService<RollupHeat>();
                var cold = Stopwatch.StartNew();
                IReadOnlyList<HeatCell> fromMemory = await heat.HeatAsync(from, to, codes, ct);
                cold.Stop();
                var memoryMs = await TimeAsync(RollupCalls, async () => fromMemory = await heat.HeatAsync(from, to, codes, ct));
                IReadOnlyList<(int X, int Y, int Count)> fromRaw = [];
                var rawMs = await TimeAsync(RawCalls, async () => fromRaw = await RawHeatAsync(dataSource, grid, from, to, codes, ct));
                var raw = fromRaw.Select(c => (c.X, c.Y, c.Count)).Order().ToList();
                var same = Sorted(fromRollups).SequenceEqual(raw) && Sorted(fromMemory).SequenceEqual(raw);
                var incidents = fromRaw.Sum(c => c.Count);
                var label = $"P3 heatmap {days} days{(codes is null ? "" : $", category {top}")}";
                Console.WriteLine($"{label}: rollups in memory (RollupHeat) p50 {F(Percentile([.. memoryMs.Order()], 50))} ms, " +
                    $"p95 {F(Percentile([.. memoryMs.Order()], 95))} ms ({RollupCalls} calls; first call, loading the days, {F(cold.Elapsed.TotalMilliseconds, 0)} ms); " +
                    $"rollup_cell in SQL p50 {F(Percentile([.. rollupMs.Order()], 50))} ms, p95 {F(Percentile([.. rollupMs.Order()], 95))} ms; " +
                    $"raw GROUP BY p50 {F(Percentile([.. rawMs.Order()], 50))} ms, p95 {F(Percentile([.. rawMs.Order()], 95))} ms ({RawCalls} calls); " +
                    $"speed-up over raw {F(Median(rawMs) / Median(memoryMs), 0)}x at p50; {N(fromRaw.Count)} cells, {N(incidents)} incidents, " +
                    $"same answer: {(same ? "yes" : "NO")}; {N(count)} incidents in the database; goal p95 <= 50 ms; {Load()}");
            }
        }
    }

    private static IEnumerable<(int, int, int)> Sorted(IEnumerable<HeatCell> cells) => cells.Select(c => (c.Cell.X, c.Cell.Y, c.Count)).Order();

    /// <summary>The same cells and counts as <see cref="RollupStore.HeatAsync"/>, by GROUP BY over the incidents.</summary>
    private static async Task<IReadOnlyList<(int X, int Y, int Count)>> RawHeatAsync(
        NpgsqlDataSource dataSource, RollupGrid grid, DateTimeOffset from, DateTimeOffset to, string[]? codes, CancellationToken ct)
    {
        const string sql = """
            select floor(lon * @kx)::int, floor(lat * @ky)::int, count(*)::int
            from incident
            where reported_at >= @from and reported_at < @to and (@codes::text[] is null or service_code = any(@codes))
            group by 1, 2
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(int, int, int)>(new CommandDefinition(sql,
            new { kx = grid.Kx, ky = grid.Ky, from = from.UtcDateTime, to = to.UtcDateTime, codes }, commandTimeout: 0, cancellationToken: ct))).ToList();
    }

    /// <summary>One untimed warm-up call, then <paramref name="calls"/> timed ones, in milliseconds.</summary>
    private static async Task<double[]> TimeAsync(int calls, Func<Task> call)
    {
        await call();
        var ms = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            ms[i] = watch.Elapsed.TotalMilliseconds;
        }
        return ms;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<T>(new CommandDefinition(sql, cancellationToken: ct)) ?? throw new InvalidOperationException(sql);
    }
}
