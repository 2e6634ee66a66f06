using System.Collections.Concurrent;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Rollup lag: incidents reported through <see cref="IncidentService"/> while <see cref="RollupJob"/> runs (its
/// <see cref="RollupJob.RunAsync"/> called directly, as the leader would) → the time from the commit until the
/// incident is counted in rollup_cell. Measured independently: a poller reads rollup_cell every
/// <see cref="PollInterval"/> and an incident counts as counted once its cell × category holds as many incidents as
/// were committed to it up to and including this one. Two phases on fresh databases: a steady rate
/// (<c>--rate</c>, default 50/s, for <c>--seconds</c>, default 20) and a burst (<c>--incidents</c>, default 1,000,
/// as fast as <c>--writers</c> go). Also prints the job's own <see cref="RollupJob.Lag"/>, which measures from the
/// event's <c>at</c> (its transaction's start) to the end of the catch-up that counted it.
/// </summary>
public sealed class RollupLagBenchmark : IBenchmark
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public string Name => "rollup-lag";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var o = context.Options;
        var rate = o.Rate ?? 50;
        var seconds = o.Seconds ?? 20;
        await RunPhaseAsync(context, $"steady {rate}/s for {seconds} s", rate * seconds, rate, Math.Max(2, rate / 25), ct);
        await RunPhaseAsync(context, $"burst, {o.Writers} writers flat out", o.Incidents ?? 1_000, null, o.Writers, ct);
    }

    private static async Task RunPhaseAsync(BenchContext context, string label, int count, double? perSecond, int writers, CancellationToken ct)
    {
        await using var db = await context.CreateDatabaseAsync(ct);
        await using var sp = CoreServices.Create(db.ConnectionString);
        var bus = sp.GetRequiredService<EventBus>();
        await bus.StartAsync(ct);
        await bus.Ready.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var samples = BenchContext.History(await Generators.CreateAsync(sp, ct: ct), 2_000).ToArray();
        var grid = sp.GetRequiredService<RollupGrid>();
        var service = sp.GetRequiredService<IncidentService>();
        var dataSource = sp.GetRequiredService<NpgsqlDataSource>();

        var job = sp.GetRequiredService<RollupJob>();
        using var leadership = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = Task.Run(() => job.RunAsync(leadership.Token), CancellationToken.None);
        var store = sp.GetRequiredService<RollupStore>();
        while ((await store.StatusAsync(ct)).UpdatedAt is null) await Task.Delay(50, ct); // the job has opened the rollups

        // Committed incidents per (cell, category), in the order their ReportAsync returned; counted times by id.
        var committed = new ConcurrentDictionary<(int X, int Y, string Code), List<FedIncident>>();
        var counted = new ConcurrentDictionary<long, DateTimeOffset>();
        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var polls = 0;
        var poller = Task.Run(async () =>
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            while (!stopPolling.IsCancellationRequested)
            {
                var rows = await conn.QueryAsync<(int X, int Y, string Code, long Count)>(
                    "select cell_x, cell_y, service_code, sum(reported) from rollup_cell group by 1, 2, 3");
                var seen = DateTimeOffset.UtcNow;
                polls++;
                foreach (var r in rows)
                {
                    if (!committed.TryGetValue((r.X, r.Y, r.Code), out var list)) continue;
                    lock (list)
                        foreach (var f in list.OrderBy(f => f.Returned).Take((int)r.Count))
                            counted.TryAdd(f.Incident.Id, seen);
                }
                try { await Task.Delay(PollInterval, stopPolling.Token); } catch (OperationCanceledException) { }
            }
        }, CancellationToken.None);

        var cpu = await CpuMeter.StartAsync(db.ConnectionString);
        // An incident is known to the poller from its call's return. A count that already includes an incident whose call
        // has not returned yet can only be credited to one of the same cell and category: rare on a 500 m grid.
        var fed = await IncidentFeed.ReportAsync(service, samples, count, perSecond, writers, ct, f =>
        {
            var cell = grid.CellOf(f.Incident.Point);
            var list = committed.GetOrAdd((cell.X, cell.Y, f.Incident.ServiceCode), _ => []);
            lock (list) list.Add(f);
        });
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (counted.Count < fed.Count && DateTimeOffset.UtcNow < deadline) await Task.Delay(50, ct);
        await stopPolling.CancelAsync();
        await poller;
        var used = await cpu.StopAsync();
        var lag = job.Lag;
        await leadership.CancelAsync();
        try { await running; } catch (OperationCanceledException) { }
        await bus.StopAsync(CancellationToken.None);

        var feedSeconds = (fed.Max(f => f.Returned) - fed.Min(f => f.Called)).TotalSeconds;
        var late = fed.Where(f => counted.ContainsKey(f.Incident.Id)).ToArray();
        var fromReturn = late.Select(f => Math.Max(0, (counted[f.Incident.Id] - f.Returned).TotalMilliseconds)).ToArray();
        var fromCall = late.Select(f => (counted[f.Incident.Id] - f.Called).TotalMilliseconds).ToArray();
        Console.WriteLine($"  {used}; {N(polls)} polls of rollup_cell");
        Console.WriteLine($"Rollup lag, {label} ({N(fed.Count / feedSeconds)} incidents/s achieved, {N(fed.Count)} incidents): " +
            $"commit -> counted in rollup_cell {Spread(fromReturn)} (from ReportAsync's return; from its call: {Spread(fromCall)})" +
            $"{(late.Length < fed.Count ? $", {N(fed.Count - late.Length)} never counted within 60 s" : "")}; " +
            $"RollupJob.Lag p50 {F(lag.P50.TotalMilliseconds)} ms, p99 {F(lag.P99.TotalMilliseconds)} ms, max {F(lag.Max.TotalMilliseconds)} ms ({N(lag.Samples)} events); " +
            $"poll every {PollInterval.TotalMilliseconds:0} ms; {Load()}");
    }
}
