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
/// The wall's and the console's order figures, kept current: re-read when "order.changed" arrives on the bus (coalesced,
/// so a burst is one read) and every <see cref="RefreshInterval"/>, because an acknowledgment SLA runs out without any event.
/// <paramref name="changed"/> is called after each read; the page renders through its own dispatcher.
/// </summary>
public sealed class OrderBoard(
    DispatchService dispatch, EventBus bus, CityClock clock, TimeProvider time, ILogger logger, AccessScope scope, bool withPending, Func<Task> changed)
    : IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);
    // The active orders read for the ticker; the counts are exact whatever this cuts off.
    private const int ActiveLimit = 500;

    private Coalescer? coalescer;
    private IDisposable? subscription;
    private ITimer? timer;
    private volatile bool disposed;

    /// <summary>Null until the first read succeeds; then the last good read (its <see cref="OrderBoardState.AsOf"/> stops moving if reads fail).</summary>
    public OrderBoardState? State { get; private set; }

    /// <summary>Follows the bus and the timer, then reads once; a failed first read is logged and retried by the timer.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        coalescer = new Coalescer(RefreshAsync, Settle, MinInterval, time);
        subscription = bus.Subscribe(OnEvents);
        timer = time.CreateTimer(_ => coalescer?.Signal(), null, RefreshInterval, RefreshInterval);
        try
        {
            await ReadAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Order figures failed to load");
        }
    }

    /// <summary>Runs on the bus's loop: only signals.</summary>
    private void OnEvents(IReadOnlyList<BusEvent> events)
    {
        if (events.Any(e => e.Kind == BusKinds.OrderChanged)) coalescer?.Signal();
    }

    private async Task RefreshAsync()
    {
        if (disposed) return;
        try
        {
            await ReadAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The as-of time stops moving, which is what the screen should show; the log says why.
            logger.LogWarning(e, "Order figures refresh failed");
            return;
        }
        if (!disposed) await changed();
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        var at = clock.UtcNow;
        var counts = await dispatch.CountsAsync(ct);
        IReadOnlyList<PendingTarget> pending = [];
        if (withPending)
        {
            var active = await dispatch.ListAsync(scope, activeOnly: true, limit: ActiveLimit, ct: ct);
            pending = Pending(active);
        }
        State = new OrderBoardState(counts, pending, at);
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
        disposed = true;
        subscription?.Dispose();
        timer?.Dispose();
        coalescer?.Dispose();
    }
}
