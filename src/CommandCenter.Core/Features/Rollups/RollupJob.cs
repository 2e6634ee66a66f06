using System.Diagnostics;
using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Rollups;

/// <summary>
/// Keeps the rollups current on the leader node: woken by the bus when incidents change (and at least every
/// <see cref="RollupOptions.Interval"/>), it counts what was committed since its saved cursor. Its lag is
/// observable from every node through <see cref="RollupStore.StatusAsync"/>, and here as commit → counted figures.
/// </summary>
public sealed class RollupJob(RollupStore store, EventBus bus, CityClock clock, IOptions<RollupOptions> options, ILogger<RollupJob> logger) : ILeaderJob
{
    private const int LagWindow = 10_000;
    private readonly Queue<TimeSpan> lags = new();
    private readonly Lock gate = new();

    public string Name => "rollups";

    /// <summary>Commit → counted over the last <see cref="LagWindow"/> events this node counted.</summary>
    public RollupLag Lag
    {
        get
        {
            TimeSpan[] sorted;
            lock (gate) sorted = [.. lags.Order()];
            return sorted.Length == 0 ? new RollupLag(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)
                : new RollupLag(sorted.Length, sorted[(sorted.Length - 1) / 2], sorted[(int)Math.Ceiling(sorted.Length * 0.99) - 1], sorted[^1]);
        }
    }

    public async Task RunAsync(CancellationToken leadership)
    {
        var o = options.Value;
        using var wake = new SemaphoreSlim(0, 1);
        using var subscription = bus.Subscribe(events =>
        {
            if (events.Any(e => e.Kind.StartsWith(BusKinds.IncidentPrefix, StringComparison.Ordinal)) && wake.CurrentCount == 0)
            {
                try { wake.Release(); } catch (SemaphoreFullException) { }
            }
        });
        BusCursor? cursor = null;
        var sinceCatchUp = Stopwatch.StartNew();
        DateTimeOffset recentAt = DateTimeOffset.MinValue, ratesAt = DateTimeOffset.MinValue;
        while (!leadership.IsCancellationRequested)
        {
            try
            {
                cursor ??= await store.OpenAsync(leadership);
                if (o.MinInterval - sinceCatchUp.Elapsed is { } gap && gap > TimeSpan.Zero)
                    await Task.Delay(gap, leadership);
                sinceCatchUp.Restart();
                var (next, events) = await store.CatchUpAsync(cursor.Value, leadership);
                cursor = next;
                Record(events);
                var now = clock.UtcNow;
                if (now - ratesAt >= o.RatesInterval)
                {
                    var recent = now - recentAt >= o.RecentRatesInterval;
                    await store.RecomputeDirtyDaysAsync(recent, leadership);
                    ratesAt = now;
                    if (recent) recentAt = now;
                }
                if (events.Count > 0) continue; // there may be more
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException && !leadership.IsCancellationRequested)
            {
                logger.LogWarning(e, "Rollup upkeep failed; retrying");
            }
            await wake.WaitAsync(o.Interval, leadership);
        }
    }

    private void Record(IReadOnlyList<BusEvent> events)
    {
        if (events.Count == 0) return;
        var counted = DateTimeOffset.UtcNow;
        lock (gate)
        {
            foreach (var e in events.TakeLast(LagWindow))
            {
                if (lags.Count == LagWindow) lags.Dequeue();
                lags.Enqueue(counted - e.At);
            }
        }
    }
}
