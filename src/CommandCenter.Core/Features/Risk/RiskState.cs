using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Risk;

/// <summary>
/// This node's live risk picture: every series' latest value and level, open alerts, and per domain the worst level,
/// counts and a 24 h sparkline. Loaded at start and re-read when the bus brings readings, alert or order changes
/// (a few hundred index probes: cheaper to re-read than to patch), and every few seconds so staleness shows without
/// events. Refreshes start at most once per <see cref="RiskOptions.PublishInterval"/>.
/// </summary>
public sealed class RiskState(RiskStore store, EventBus bus, CityClock clock, IOptions<RiskOptions> options, ILogger<RiskState> logger) : BackgroundService
{
    public const int SparklineHours = 24;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private readonly Lock gate = new();
    private readonly SemaphoreSlim wake = new(0, 1);
    private List<Action> subscribers = [];

    public RiskSnapshot Current { get; private set; } = RiskSnapshot.Empty;

    /// <summary>Called (on a background thread) after <see cref="Current"/> changed; at most a few times a second.</summary>
    public IDisposable Subscribe(Action changed)
    {
        lock (gate) subscribers = [.. subscribers, changed];
        return new Subscription(() => { lock (gate) subscribers = subscribers.Where(s => s != changed).ToList(); });
    }

    /// <summary>A per-district indicator's latest value and level in each district, from <see cref="Current"/> (districts without readings are absent).</summary>
    public IReadOnlyList<SeriesState> Breakdown(string indicatorCode) =>
        Current.Series.Where(s => s.IndicatorCode == indicatorCode && s.DistrictAdcode is not null).OrderBy(s => s.DistrictAdcode, StringComparer.Ordinal).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(Enqueue);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = clock.UtcNow; // paced from the start of each refresh, like SituationState
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Live risk refresh failed; retrying");
            }
            try { await wake.WaitAsync(Tick, stoppingToken); }
            catch (OperationCanceledException) { return; }
            var rest = options.Value.PublishInterval - (clock.UtcNow - started);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Takes in a batch from the bus (on the bus's thread: only wakes the loop).</summary>
    public void Enqueue(IReadOnlyList<BusEvent> events)
    {
        // An order matters here only as the open order of an alert: with no alert open, orders change nothing.
        if (!events.Any(e => e.Kind is BusKinds.ReadingsReceived or BusKinds.AlertChanged || e.Kind == BusKinds.OrderChanged && Current.Alerts.Count > 0)) return;
        if (wake.CurrentCount == 0)
        {
            try { wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Re-reads the picture and publishes it. The service loop calls it; tests may too.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.UtcNow;
        // Everything the bus delivered before this read is reflected by the reads below.
        var readAt = bus.LastReadAt;
        var catalog = await store.IndicatorsAsync(ct);
        var latest = await store.LatestAsync(ct);
        var open = await store.OpenAlertsAsync(ct);
        var orders = await store.OpenOrdersByAlertAsync(ct);
        var hourStart = HourStart(now);
        var sparkStart = hourStart.AddHours(-(SparklineHours - 1));
        var history = await store.LevelHistoryAsync(sparkStart, now, ct);

        var levels = open.ToDictionary(a => a.Key, a => a.Level);
        var series = latest.Where(r => catalog.ContainsKey(r.IndicatorCode))
            .OrderBy(r => catalog[r.IndicatorCode].Code, StringComparer.Ordinal).ThenBy(r => r.DistrictAdcode, StringComparer.Ordinal)
            .Select(r => new SeriesState(r.IndicatorCode, r.DistrictAdcode, r.Value, r.At, levels.GetValueOrDefault(r.Key), now - r.At > o.StaleAfter))
            .ToList();
        var stale = series.ToDictionary(s => s.Key, s => s.Stale);
        var alerts = open.Where(a => catalog.ContainsKey(a.IndicatorCode))
            .Select(a => new OpenAlert(a.Id, a.IndicatorCode, catalog[a.IndicatorCode].Domain, a.DistrictAdcode, a.Level, a.PeakLevel, a.Value, a.RaisedAt,
                a.LevelChangedAt, a.Acknowledged, a.AcknowledgedBy, a.AcknowledgedAt, stale.GetValueOrDefault(a.Key, true), orders.TryGetValue(a.Id, out var order) ? order : null))
            .OrderByDescending(a => a.Level).ThenBy(a => a.RaisedAt).ThenBy(a => a.Id).ToList();
        var domains = RiskDomains.All.Select(d =>
        {
            var mine = alerts.Where(a => a.Domain == d).ToList();
            var counts = new LevelCounts(mine.Count(a => a.Level == AlertLevel.Blue), mine.Count(a => a.Level == AlertLevel.Yellow),
                mine.Count(a => a.Level == AlertLevel.Orange), mine.Count(a => a.Level == AlertLevel.Red));
            var spark = RiskSparkline.Build(history.Where(h => h.Domain == d), sparkStart, SparklineHours);
            return new DomainRisk(d, mine.Count == 0 ? AlertLevel.None : mine.Max(a => a.Level), counts, spark, sparkStart);
        }).ToList();

        List<Action> listeners;
        lock (gate)
        {
            Current = new RiskSnapshot(readAt is { } r && r < now ? r : now, [.. catalog.Values], series, alerts, domains);
            listeners = subscribers;
        }
        foreach (var listener in listeners)
        {
            try { listener(); }
            catch (Exception e) { logger.LogError(e, "A live risk subscriber failed"); }
        }
    }

    /// <summary>The start of the city-time hour holding <paramref name="now"/>.</summary>
    private DateTimeOffset HourStart(DateTimeOffset now)
    {
        var local = clock.ToLocal(now);
        return new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset).ToUniversalTime();
    }
}
