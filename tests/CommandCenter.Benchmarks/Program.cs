using CommandCenter.Benchmarks;

return await Program.MainAsync(args);

public static partial class Program
{
    /// <summary>Every benchmark, in the order <c>all</c> runs them.</summary>
    public static readonly IBenchmark[] Benchmarks =
    [
        new P1Benchmark(), new P7Benchmark(), new RollupLagBenchmark(), new P3Benchmark(), new P3ConsoleBenchmark(), new P4Benchmark(), new P8Benchmark(),
        new StaleBenchmark(), new BackfillBenchmark(), new Open311Benchmark(), new P5Benchmark(), new CsvImportBenchmark(), new RiskBenchmark(),
        new LiveStateBenchmark(),
    ];

    private const string Usage = """
        usage: scripts/bench [p1|p7|rollup-lag|p3|p3-console|p4|p8|stale|backfill|open311|p5|csv-import|risk|live|all] [--incidents N] [--runs N] [--seconds N] [--writers N] [--rate N] [--keep] [--reuse] [--walls N] [--consoles N]
          p1          bulk writer ÷ plain binary COPY (--incidents, default 200000; --runs, default 3)
          p7          bus on ÷ bus off committed writes/s, and commit → other node latency (--writers 8, --seconds 10, --rate 500)
          rollup-lag  commit → counted in rollup_cell: steady (--rate 50 for --seconds 20), then a burst (--incidents 1000, --writers 8)
          p3          heatmap 7/30 days from the rollups vs GROUP BY on raw incidents (--incidents over 30 days, default 2000000;
                --reuse: on the year backfill --keep left, rollups rebuilt first)
          p3-console  /command: heat window switch -> map redrawn in Chromium (--incidents over the last 7 days, default 200000)
          p4          commit → visible on the wall pages in Chromium during a storm (--incidents 2000 in --seconds 10; --walls 3, --consoles 5)
          p8          wall first render, cold: time to KPI numbers and bytes shipped (--runs, default 3)
          stale       app killed → wall shows stale after N s (--runs, default 3)
          backfill    incidents over a year through the bulk writer (--incidents, default 2400000; --keep: keep the database)
          open311     Open311 POST requests/s on one node, p50/p99 (--incidents 5000 requests, --writers 8 concurrent clients)
          p5          350 then 1750 SignalR liaison clients: order issued → received p99, ack → commander's node p99, ÷ a bare hub (--incidents 60 orders per size)
          csv-import  CSV import (check + load through CsvImportService) ÷ plain binary COPY of the same rows, and peak memory (100000 and 1000000 rows; --incidents N for one size)
          risk        red reading posted → alert marker on the wall pages in Chromium (--incidents 32 readings, 1.5 s apart or --seconds N, --walls 3)
          live        the live state's refresh at a megacity backlog: two weeks of reports up to now (--incidents, default 920000)
        Needs CC_BENCH_ADMIN_CONNECTION (scripts/bench sets it).
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        if (!BenchOptions.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var selected = options.Benchmark == "all" ? Benchmarks : Benchmarks.Where(b => b.Name == options.Benchmark).ToArray();
        if (selected.Length == 0)
        {
            Console.Error.WriteLine($"unknown benchmark '{options.Benchmark}'");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var admin = Environment.GetEnvironmentVariable("CC_BENCH_ADMIN_CONNECTION");
        if (string.IsNullOrEmpty(admin))
        {
            Console.Error.WriteLine("Set CC_BENCH_ADMIN_CONNECTION, or run scripts/bench, which starts its own PostgreSQL.");
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        await using var context = await BenchContext.CreateAsync(admin, options, cts.Token);
        await context.PrintMachineAsync(cts.Token);
        foreach (var benchmark in selected)
        {
            Console.WriteLine();
            Console.WriteLine($"== {benchmark.Name} ==");
            await benchmark.RunAsync(context, cts.Token);
        }
        return 0;
    }
}
