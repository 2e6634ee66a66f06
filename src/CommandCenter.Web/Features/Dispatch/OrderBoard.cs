using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Components;

namespace CommandCenter.Web.Features.Dispatch;

/// <summary>One district's wait for an order: what the wall's ticker shows, counting up from the issue.</summary>
public sealed record PendingTarget(long OrderId, long TargetId, string Number, OrderPriority Priority, string DistrictAdcode,
    DateTimeOffset IssuedAt, DateTimeOffset AckDueAt, bool Escalated)
{
    public bool IsOverdue(DateTimeOffset now) => AckDueAt <= now;
}

/// <summary>The order figures at one moment, read from the server (<see cref="AsOf"/> is the server time of the read).</summary>
public sealed record OrderBoardState(OrderCounts Counts, IReadOnlyList<PendingTarget> Pending, DateTimeOffset AsOf);

/// <summary>
/// This node's order figures for the wall's tile and ticker and the console's tile: one reader however many screens
/// are open. Re-read when "order.changed" arrives on the bus (coalesced, so a burst is one read) and every
/// <see cref="RefreshInterval"/>, because an acknowledgment SLA runs out without any event; nothing is read while no
/// screen subscribes. The figures are city-wide: every screen that shows them (wall, console) sees the whole city.
/// </summary>
public sealed class OrderBoard(DispatchService dispatch, EventBus bus, CityClock clock, TimeProvider time, ILogger<OrderBoard> logger)
    : IHostedService, IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);
    private static readonly AccessScope CityWide = AccessScope.For(Roles.Supervisor);
    // The active orders read for the ticker; the counts are exact whatever this cuts off.
    private const int ActiveLimit = 500;

    private readonly Lock gate = new();
    private List<Action> subscribers = [];
    private Coalescer? coalescer;
    private IDisposable? subscription;
    private ITimer? timer;

    /// <summary>Null until the first read succeeds; then the last good read (its <see cref="OrderBoardState.AsOf"/> stops moving if reads fail).</summary>
    public OrderBoardState? State { get; private set; }

    /// <summary>Called (on a background thread) after each read; the first subscriber starts the reading.</summary>
    public IDisposable Subscribe(Action changed)
    {
        lock (gate) subscribers = [.. subscribers, changed];
        coalescer?.Signal();
        return new Subscription(() => { lock (gate) subscribers = subscribers.Where(s => s != changed).ToList(); });
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        coalescer = new Coalescer(RefreshAsync, Settle, MinInterval, time);
        subscription = bus.Subscribe(OnEvents);
        timer = time.CreateTimer(_ => coalescer?.Signal(), null, RefreshInterval, RefreshInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs on the bus's loop: only signals.</summary>
    private void OnEvents(IReadOnlyList<BusEvent> events)
    {
        if (events.Any(e => e.Kind == BusKinds.OrderChanged)) coalescer?.Signal();
    }

    private async Task RefreshAsync()
    {
        List<Action> listeners;
        lock (gate) listeners = subscribers;
        if (listeners.Count == 0) return;
        try
        {
            var at = clock.UtcNow;
            var counts = await dispatch.CountsAsync();
            var active = await dispatch.ListAsync(CityWide, activeOnly: true, limit: ActiveLimit);
            State = new OrderBoardState(counts, Pending(active), at);
        }
        catch (Exception e)
        {
            // The as-of time stops moving, which is what the screens should show; the log says why.
            logger.LogWarning(e, "Order figures refresh failed");
            return;
        }
        lock (gate) listeners = subscribers;
        foreach (var listener in listeners) listener();
    }

    /// <summary>Targets still waiting for a person to acknowledge: past their SLA first, then the longest waiting.</summary>
    public static IReadOnlyList<PendingTarget> Pending(IEnumerable<Order> orders) =>
        orders.Where(o => o.Status == OrderStatus.Active)
            .SelectMany(o => o.Targets.Where(t => t.Unacknowledged)
                .Select(t => new PendingTarget(o.Id, t.Id, o.Number, o.Priority, t.DistrictAdcode, o.IssuedAt, o.AckDueAt, t.EscalatedAt is not null)))
            .OrderBy(p => p.AckDueAt).ThenBy(p => p.IssuedAt).ThenBy(p => p.TargetId)
            .ToList();

    public void Dispose()
    {
        subscription?.Dispose();
        timer?.Dispose();
        coalescer?.Dispose();
    }
}
