using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Data.Bus;

/// <summary>
/// This node's view of the event stream. One dedicated connection LISTENs for wake-ups and reads committed
/// events with a commit-safe cursor (<see cref="BusStore.ReadPageAsync"/>); a periodic read catches up on
/// anything a lost notification or a dropped connection missed. Subscribers in this process get each batch
/// in order, at least once.
/// </summary>
public sealed class EventBus(NpgsqlDataSource dataSource, IOptions<BusOptions> options, ILogger<EventBus> logger, TimeProvider? time = null)
    : BackgroundService
{
    // Events held back by an older transaction are looked for again after 5 ms, then 10, 20, 25 ms: a short overlap
    // (the usual case under load) delays delivery by a few ms, a long transaction costs at most 40 reads/s.
    private static readonly TimeSpan HeldBackFirstRetry = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan HeldBackMaxRetry = TimeSpan.FromMilliseconds(25);
    private readonly Lock gate = new();
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly SemaphoreSlim notify = new(0, 1);
    private const int MaxPendingReads = 256;
    private readonly Queue<(DateTimeOffset At, ulong Xmax)> pendingReads = new();
    private ImmutableSubscribers subscribers = ImmutableSubscribers.Empty;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Everything up to here has been handed to subscribers.</summary>
    public BusCursor Cursor { get; private set; } = BusCursor.Start;

    /// <summary>
    /// When the last complete read began: every event committed before then has been handed to subscribers
    /// (a read that found events held back by an older transaction does not count). Null until the first read. Screens use it to show how current they are, and to turn stale when it stops.
    /// </summary>
    public DateTimeOffset? LastReadAt { get; private set; }

    /// <summary>Completes once the LISTEN connection is up and the first read is done.</summary>
    public Task Ready => ready.Task;

    /// <summary>
    /// Receives every batch of events in stream order. Handlers run on the bus's loop: keep them quick
    /// (hand work to your own queue); an exception is logged and does not stop the bus.
    /// </summary>
    public IDisposable Subscribe(Action<IReadOnlyList<BusEvent>> handler)
    {
        lock (gate) subscribers = subscribers.Add(handler);
        return new Subscription(() => { lock (gate) subscribers = subscribers.Remove(handler); });
    }

    /// <summary>
    /// Call after committing a transaction that appended events. Wakes this node at once and, coalesced to at
    /// most one NOTIFY per <see cref="BusOptions.NotifyInterval"/>, every other node: the cost does not grow with the write rate.
    /// </summary>
    public void Published()
    {
        Release(wake);
        Release(notify);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var conn = await dataSource.OpenConnectionAsync(stoppingToken))
            Cursor = await BusStore.HeadAsync(conn, stoppingToken);
        var listener = ListenLoopAsync(stoppingToken);
        var notifier = NotifyLoopAsync(stoppingToken);
        await ReadLoopAsync(stoppingToken);
        await Task.WhenAll(listener, notifier);
    }

    /// <summary>Reads whenever woken (a NOTIFY, a local publish) and at least every catch-up interval.</summary>
    private async Task ReadLoopAsync(CancellationToken ct)
    {
        var o = options.Value;
        await listening.Task.WaitAsync(ct);
        var retry = HeldBackFirstRetry;
        var sinceRead = Stopwatch.StartNew();
        // Reads keep a connection of their own: no pool reset per read, and the prepared read stays planned.
        NpgsqlConnection? conn = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    // Local publishes wake this loop on every commit: under load, reads are coalesced like NOTIFYs, at
                    // most one per notify interval, instead of one per commit.
                    if (o.NotifyInterval - sinceRead.Elapsed is { } gap && gap > TimeSpan.Zero)
                        await Task.Delay(gap, ct);
                    sinceRead.Restart();
                    conn ??= await dataSource.OpenConnectionAsync(ct);
                    var heldBack = await DrainAsync(conn, o.BatchSize, ct);
                    ready.TrySetResult();
                    // Events committed behind a still-running older transaction: look again soon, not at the next wake-up.
                    if (heldBack)
                    {
                        await wake.WaitAsync(retry, ct);
                        retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, HeldBackMaxRetry.Ticks));
                    }
                    else
                    {
                        retry = HeldBackFirstRetry;
                        await wake.WaitAsync(o.CatchUpInterval, ct);
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
                {
                    logger.LogWarning(e, "Event bus read failed; retrying from {Cursor}", Cursor);
                    if (conn is not null) await conn.DisposeAsync();
                    conn = null;
                    await Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            }
        }
        finally
        {
            if (conn is not null) await conn.DisposeAsync();
        }
    }

    /// <summary>Holds the one dedicated LISTEN connection of this node; reconnects and triggers a catch-up when it drops.</summary>
    private async Task ListenLoopAsync(CancellationToken ct)
    {
        var reconnect = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => Release(wake);
                await using (var listen = new NpgsqlCommand($"listen {BusStore.Channel}", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                if (reconnect) Release(wake); // catch up on anything committed while we were not listening
                reconnect = true;
                listening.TrySetResult();
                while (!ct.IsCancellationRequested)
                    await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                logger.LogWarning(e, "Event bus LISTEN connection lost; reconnecting");
                await Delay(TimeSpan.FromMilliseconds(500), ct);
            }
        }
    }

    private static Task Delay(TimeSpan delay, CancellationToken ct) =>
        Task.Delay(delay, ct).ContinueWith(_ => { }, TaskScheduler.Default);

    /// <summary>Hands every deliverable event to the subscribers; returns whether committed events are still held back.</summary>
    private async Task<bool> DrainAsync(NpgsqlConnection conn, int batchSize, CancellationToken ct)
    {
        while (true)
        {
            var readAt = (time ?? TimeProvider.System).GetUtcNow();
            var page = await BusStore.ReadPageAsync(conn, Cursor, batchSize, ct);
            var batch = page.Events;
            if (batch.Count > 0)
            {
                foreach (var handler in subscribers.Items)
                {
                    try { handler(batch); }
                    catch (Exception e) { logger.LogError(e, "An event bus subscriber failed"); }
                }
                Cursor = new BusCursor(batch[^1].Tx, batch[^1].Id);
            }
            if (batch.Count < batchSize)
            {
                AdvanceLastRead(readAt, page);
                return page.HeldBack;
            }
        }
    }

    /// <summary>
    /// Everything committed before a read is delivered once no event is held back, or, under constant load where
    /// some transaction is always in flight, once a later read's oldest running transaction is newer than every
    /// transaction that had committed by then (its Xmin has passed that read's Xmax).
    /// </summary>
    private void AdvanceLastRead(DateTimeOffset readAt, BusPage page)
    {
        if (!page.HeldBack)
        {
            LastReadAt = readAt;
            pendingReads.Clear();
            return;
        }
        while (pendingReads.TryPeek(out var pending) && pending.Xmax <= page.Xmin)
            LastReadAt = pendingReads.Dequeue().At;
        if (pendingReads.Count == MaxPendingReads) pendingReads.Dequeue();
        pendingReads.Enqueue((readAt, page.Xmax));
    }

    private async Task NotifyLoopAsync(CancellationToken ct)
    {
        var interval = options.Value.NotifyInterval;
        NpgsqlConnection? conn = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await notify.WaitAsync(ct);
                    if (conn is null)
                    {
                        conn = await dataSource.OpenConnectionAsync(ct);
                        // NOTIFY gives its transaction an id and a commit record: without waiting for that to reach disk the
                        // wake-up leaves at once and costs writers no fsync. A wake-up lost in a crash is caught up by the timer.
                        await using var setup = new NpgsqlCommand("set synchronous_commit = off", conn);
                        await setup.ExecuteNonQueryAsync(ct);
                    }
                    await using (var cmd = new NpgsqlCommand($"select pg_notify('{BusStore.Channel}', '')", conn))
                        await cmd.ExecuteNonQueryAsync(ct);
                    await Task.Delay(interval, ct); // publishes meanwhile collapse into the next single NOTIFY
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
                {
                    // Others still catch up on their timer; nothing is lost.
                    logger.LogWarning(e, "Event bus wake-up failed");
                    if (conn is not null) await conn.DisposeAsync();
                    conn = null;
                }
            }
        }
        finally
        {
            if (conn is not null) await conn.DisposeAsync();
        }
    }

    private static void Release(SemaphoreSlim signal)
    {
        // Already signalled: coalesced. Checking first keeps a busy writer from throwing on nearly every commit.
        if (signal.CurrentCount > 0) return;
        try { signal.Release(); }
        catch (SemaphoreFullException) { /* signalled meanwhile by another thread */ }
    }

    private sealed record ImmutableSubscribers(IReadOnlyList<Action<IReadOnlyList<BusEvent>>> Items)
    {
        public static readonly ImmutableSubscribers Empty = new([]);
        public ImmutableSubscribers Add(Action<IReadOnlyList<BusEvent>> h) => new([.. Items, h]);
        public ImmutableSubscribers Remove(Action<IReadOnlyList<BusEvent>> h) => new(Items.Where(x => x != h).ToList());
    }
}
