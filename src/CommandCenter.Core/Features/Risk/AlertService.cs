using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Risk;

/// <summary>What one evaluation changed: the alerts raised, escalated, de-escalated or cleared, and the derived readings stored.</summary>
public sealed record EvaluationResult(IReadOnlyList<long> ChangedAlertIds, int DerivedStored);

/// <summary>
/// Risk alerts: the engine's evaluation (leader only, see <see cref="AlertJob"/>) and acknowledgment (any node). Each
/// evaluation stores the derived indicators when they are due, then applies <see cref="AlertRules"/> to the latest
/// reading of every series that is not stale; all level changes of one evaluation commit in one transaction with their
/// history rows and one <see cref="BusKinds.AlertChanged"/> event.
/// </summary>
public sealed class AlertService(
    NpgsqlDataSource dataSource, RiskStore store, DerivedIndicators derived, CityClock clock, EventBus bus, IOptions<RiskOptions> options)
{
    public const string EngineActor = "system";

    private readonly Lock gate = new();
    // Pending lowerings are kept in memory only: a new leader starts their dwell again, which errs on the safe side.
    private readonly Dictionary<SeriesKey, SeriesLevel> levels = [];
    private DateTimeOffset derivedAt = DateTimeOffset.MinValue;
    private long? engineFeed;

    /// <summary>The order source of a one-click dispatch from an alert (<see cref="DispatchService.DispatchAsync"/>).</summary>
    public static OrderSource OrderSourceFor(long alertId) => new(OrderSourceKind.Alert, alertId.ToString(), []);

    /// <summary>The engine's own feed, whose readings.received events it ignores.</summary>
    public async Task<long> EngineFeedIdAsync(CancellationToken ct = default) => engineFeed ??= await store.FeedIdAsync(RiskStore.EngineFeed, ct);

    /// <summary>Whether the derived indicators are due again at <paramref name="now"/>.</summary>
    public bool DerivedDue(DateTimeOffset now)
    {
        lock (gate) return now - derivedAt >= options.Value.DerivedInterval;
    }

    /// <summary>Forgets pending lowerings and the derived timer (a node that starts leading).</summary>
    public void Reset()
    {
        lock (gate)
        {
            levels.Clear();
            derivedAt = DateTimeOffset.MinValue;
        }
    }

    /// <summary>One evaluation at the clock's now. The engine runs it; tests may too (the engine must not run meanwhile).</summary>
    public async Task<EvaluationResult> EvaluateAsync(CancellationToken ct = default)
    {
        var now = clock.UtcNow;
        // Fed readings first: a red reading must not wait for the derived indicators' queries; these are judged right after.
        var changed = await EvaluateSeriesAsync(now, ct);
        if (!DerivedDue(now)) return new EvaluationResult(changed, 0);
        var stored = await StoreDerivedAsync(now, ct);
        return new EvaluationResult(stored > 0 ? [.. changed, .. await EvaluateSeriesAsync(now, ct)] : changed, stored);
    }

    /// <summary>Judges the latest reading of every series; commits the level changes in one transaction with one bus event.</summary>
    private async Task<IReadOnlyList<long>> EvaluateSeriesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var o = options.Value;
        var catalog = await store.IndicatorsAsync(ct);
        var latest = await store.LatestAsync(ct);
        var open = (await store.OpenAlertsAsync(ct)).ToDictionary(a => a.Key);
        var changes = new List<(LatestReading Reading, Alert? Alert, AlertLevel To)>();
        lock (gate)
        {
            foreach (var r in latest)
            {
                // A stale series keeps its level (and its alert) until it reports again.
                if (!catalog.TryGetValue(r.IndicatorCode, out var indicator) || now - r.At > o.StaleAfter) continue;
                var alert = open.GetValueOrDefault(r.Key);
                var held = alert?.Level ?? AlertLevel.None;
                var current = levels.TryGetValue(r.Key, out var known) && known.Level == held ? known : new SeriesLevel(held);
                var next = AlertRules.Next(indicator, current, r.Value, now, o.HysteresisMargin, o.Dwell);
                if (next == SeriesLevel.None) levels.Remove(r.Key);
                else levels[r.Key] = next;
                if (next.Level != held) changes.Add((r, alert, next.Level));
            }
        }
        if (changes.Count == 0) return [];

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var ids = new List<long>();
        foreach (var (r, alert, to) in changes)
        {
            var from = alert?.Level ?? AlertLevel.None;
            long id;
            if (alert is null)
            {
                id = await store.InsertAlertAsync(r.Key, to, r.Value, now, conn, tx, ct);
                await store.AppendEventAsync(id, AlertEventKind.Raised, from, to, r.Value, now, EngineActor, null, conn, tx, ct);
            }
            else if (to == AlertLevel.None)
            {
                id = alert.Id;
                await store.ClearAsync(id, r.Value, now, conn, tx, ct);
                await store.AppendEventAsync(id, AlertEventKind.Cleared, from, to, r.Value, now, EngineActor, null, conn, tx, ct);
            }
            else
            {
                id = alert.Id;
                await store.SetLevelAsync(id, to, r.Value, now, conn, tx, ct);
                await store.AppendEventAsync(id, to > from ? AlertEventKind.Escalated : AlertEventKind.DeEscalated, from, to, r.Value, now, EngineActor, null, conn, tx, ct);
            }
            ids.Add(id);
        }
        await BusStore.CommitAsync(conn, tx, BusKinds.AlertChanged, ids, ct);
        bus.Published();
        return ids;
    }

    /// <summary>
    /// A commander or supervisor has seen the alert (the Web restricts who may call this). Acknowledging twice is one
    /// acknowledgment; an escalation asks for a new one.
    /// </summary>
    public async Task<Alert> AcknowledgeAsync(long alertId, Actor actor, string? comment, CancellationToken ct = default)
    {
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is { Length: > 1000 }) throw new ArgumentException("The comment must be at most 1,000 characters.", nameof(comment));
        var now = clock.UtcNow;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var alert = await store.LockAlertAsync(alertId, conn, tx, ct) ?? throw new AlertNotFoundException(alertId);
        if (alert.Acknowledged)
        {
            await tx.RollbackAsync(ct);
            return alert;
        }
        await store.AcknowledgeAsync(alertId, actor.Name, comment, now, conn, tx, ct);
        await store.AppendEventAsync(alertId, AlertEventKind.Acknowledged, alert.Level, alert.Level, null, now, actor.Name, comment, conn, tx, ct);
        await BusStore.CommitAsync(conn, tx, BusKinds.AlertChanged, [alertId], ct);
        bus.Published();
        return (await store.GetAlertAsync(alertId, ct))!;
    }

    public Task<Alert?> GetAsync(long alertId, CancellationToken ct = default) => store.GetAlertAsync(alertId, ct);

    public Task<IReadOnlyList<AlertEvent>> HistoryAsync(long alertId, CancellationToken ct = default) => store.HistoryAsync(alertId, ct);

    private async Task<int> StoreDerivedAsync(DateTimeOffset now, CancellationToken ct)
    {
        var values = await derived.ComputeAsync(now, ct);
        lock (gate) derivedAt = now;
        if (values.Count == 0) return 0;
        var feed = await EngineFeedIdAsync(ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await store.InsertReadingsAsync(feed, values, now, conn, tx, ct);
        await BusStore.CommitAsync(conn, tx, BusKinds.ReadingsReceived, [feed], ct);
        bus.Published();
        return values.Count;
    }
}
