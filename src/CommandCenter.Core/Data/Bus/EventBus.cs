using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Data.Bus;

/// <summary>
/// This node's view of the event stream. One dedicated connection LISTENs for wake-ups, reads committed events with a
/// commit-safe cursor (<see cref="BusStore.ReadPageAsync"/>)
/// and announces this node's commits to the others with a NOTIFY in the same round trip as a read; a periodic read
/// catches up on anything a lost notification or a dropped connection missed. Subscribers in this process get each
/// batch in order, at least once.
/// </summary>
public sealed class EventBus(NpgsqlDataSource dataSource, IOptions<BusOptions> options, ILogger<EventBus> logger, TimeProvider? time = null)
    : BackgroundService
{
    // Events held back by an older transaction are looked for again after 5 ms, then 10, 20, 25 ms (or at the next
    // NOTIFY; while busy, after the busy interval): a short overlap (the usual case under load) delays delivery by a
    // few ms, a long transaction costs at most 40 reads/s.
    private static readonly TimeSpan HeldBackFirstRetry = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan HeldBackMaxRetry = TimeSpan.FromMilliseconds(25);
    // Short, so a node that turns busy (or quiet) changes its announce interval within a tenth of a second.
    private static readonly TimeSpan RateWindow = TimeSpan.FromMilliseconds(100);
    private readonly Lock gate = new();
    private readonly SemaphoreSlim notify = new(0, 1);
    private const int MaxPendingReads = 256;
    private readonly Queue<(DateTimeOffset At, ulong Xmax)> pendingReads = new();
    private ImmutableSubscribers subscribers = ImmutableSubscribers.Empty;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // 1: this node committed events that no NOTIFY has announced yet. 1 in idle: the read loop sleeps until a
    // notification, so a local commit needs the separate wake-up NOTIFY. Both are written before the other is read
    // (Interlocked: full fences), so a commit is never left unannounced while the loop sleeps.
    private int unannounced;
    private int idle;
    // 1: this node committed since its last read began: more commits are likely soon.
    private int active;
    // Events delivered since the stream's rate was last measured (every RateWindow), and whether that rate was busy.
    private long delivered;
    private bool busy;
    private volatile bool notified;

    /// <summary>Between this node's announces, and the least wait before looking again for events held back while busy.</summary>
    private TimeSpan Interval => busy ? options.Value.BusyInterval : options.Value.NotifyInterval;

    /// <summary>The application name of each node's bus connection (in <c>pg_stat_activity</c>).</summary>
    public const string ApplicationName = "cc_bus";

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
    /// Call after committing a transaction that appended events. Under load the next read (at most one per
    /// <see cref="BusOptions.NotifyInterval"/>, or <see cref="BusOptions.BusyInterval"/> while the stream is busy) delivers them here and announces them to every other node in the same
    /// round trip; after a quiet spell a separate NOTIFY wakes this node and the others at once. The cost does not grow
    /// with the write rate.
    /// </summary>
    public void Published()
    {
        Volatile.Write(ref active, 1);
        Interlocked.Exchange(ref unannounced, 1);
        if (Volatile.Read(ref idle) == 1) Release(notify);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var conn = await dataSource.OpenConnectionAsync(stoppingToken))
            Cursor = await BusStore.HeadAsync(conn, stoppingToken);
        var notifier = NotifyLoopAsync(stoppingToken);
        await ReadLoopAsync(stoppingToken);
        await notifier;
    }

    /// <summary>
    /// Reads on the LISTEN connection whenever another node's NOTIFY arrives, at most once per notify interval while this
    /// node commits (announcing those commits), and at least every catch-up interval. A dropped connection is reopened
    /// and read from the cursor: nothing committed meanwhile is missed.
    /// </summary>
    private async Task ReadLoopAsync(CancellationToken ct)
    {
        var o = options.Value;
        var retry = HeldBackFirstRetry;
        var sinceAnnounce = Stopwatch.StartNew();
        var window = Stopwatch.StartNew();
        NpgsqlConnection? conn = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    conn ??= await ListenAsync(ct);
                    notified = false;
                    // Over at least two intervals: a busy node reads once per interval, and a window without a read is not a quiet one.
                    if (window.Elapsed >= RateWindow && window.Elapsed >= 2 * Interval)
                    {
                        var rate = delivered / window.Elapsed.TotalSeconds;
                        delivered = 0;
                        busy = rate >= o.BusyRate;
                        window.Restart();
                    }
                    var committing = Interlocked.Exchange(ref active, 0) == 1;
                    var announce = sinceAnnounce.Elapsed >= Interval && Interlocked.Exchange(ref unannounced, 0) == 1;
                    if (announce) sinceAnnounce.Restart();
                    var heldBack = await DrainAsync(conn, o.BatchSize, announce, ct);
                    ready.TrySetResult();
                    // Events committed behind a still-running older transaction: look again soon, not at the next wake-up;
                    // while the stream is busy, wake-ups come every busy interval and each read finds something held
                    // back, so the next one is soon enough (looking sooner doubled the reads at saturation).
                    var again = busy && retry < Interval ? Interval : retry;
                    await WaitForNextReadAsync(conn, heldBack ? again : null, committing, sinceAnnounce, ct);
                    retry = heldBack ? TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, HeldBackMaxRetry.Ticks)) : HeldBackFirstRetry;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
                {
                    logger.LogWarning(e, "Event bus connection failed; reconnecting and reading on from {Cursor}", Cursor);
                    if (conn is not null) await conn.DisposeAsync();
                    conn = null;
                    await Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            }
        }
        finally
        {
            Volatile.Write(ref idle, 0);
            if (conn is not null) await conn.DisposeAsync();
        }
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            // This node's own NOTIFY comes back on this connection in the read's answer: only others' wake it.
            conn.Notification += (_, e) => { if (e.PID != conn.ProcessID) notified = true; };
            // The NOTIFY's commit need not reach disk before it leaves (a wake-up lost in a crash is caught up by the
            // timer); the name tells the bus's backend apart in pg_stat_activity.
            await using var setup = new NpgsqlCommand($"set synchronous_commit = off; set application_name = '{ApplicationName}'; listen {BusStore.Channel}", conn);
            await setup.ExecuteNonQueryAsync(ct);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Returns when the next read is due: at once if another node's NOTIFY came during the read; when the notify interval
    /// is up if this node has commits to announce; after <paramref name="retry"/> or on a NOTIFY when events were held
    /// back; after one interval if this node is <paramref name="committing"/> (the next commit is likely on its way, and
    /// is then announced by the read); otherwise on a NOTIFY (this node's own wake-up included) or the catch-up interval.
    /// </summary>
    private async Task WaitForNextReadAsync(NpgsqlConnection conn, TimeSpan? retry, bool committing, Stopwatch sinceAnnounce, CancellationToken ct)
    {
        var o = options.Value;
        if (notified) return;
        if (Volatile.Read(ref unannounced) == 1)
        {
            var gap = Interval - sinceAnnounce.Elapsed;
            if (retry < gap) gap = retry.Value;
            // Short: another node's NOTIFY meanwhile waits in the socket and only makes the read after this one sooner.
            if (gap > TimeSpan.Zero) await Task.Delay(gap, ct);
            return;
        }
        if (retry is { } heldBack)
        {
            await conn.WaitAsync(heldBack, ct);
            return;
        }
        if (committing)
        {
            await Task.Delay(Interval, ct);
            if (Volatile.Read(ref unannounced) == 1) return;
        }
        Interlocked.Exchange(ref idle, 1);
        try
        {
            if (Volatile.Read(ref unannounced) == 1) return;
            await conn.WaitAsync(o.CatchUpInterval, ct);
        }
        finally
        {
            Interlocked.Exchange(ref idle, 0);
        }
    }

    private static Task Delay(TimeSpan delay, CancellationToken ct) =>
        Task.Delay(delay, ct).ContinueWith(_ => { }, TaskScheduler.Default);

    /// <summary>Hands every deliverable event to the subscribers; returns whether committed events are still held back.</summary>
    private async Task<bool> DrainAsync(NpgsqlConnection conn, int batchSize, bool announce, CancellationToken ct)
    {
        while (true)
        {
            var readAt = (time ?? TimeProvider.System).GetUtcNow();
            var page = await BusStore.ReadPageAsync(conn, Cursor, batchSize, announce, ct);
            announce = false;
            var batch = page.Events;
            if (batch.Count > 0)
            {
                foreach (var handler in subscribers.Items)
                {
                    try { handler(batch); }
                    catch (Exception e) { logger.LogError(e, "An event bus subscriber failed"); }
                }
                Cursor = new BusCursor(batch[^1].Tx, batch[^1].Id);
                delivered += batch.Count;
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

    /// <summary>The wake-up after a quiet spell, when the read loop sleeps until a notification: wakes it and every other node.</summary>
    private async Task NotifyLoopAsync(CancellationToken ct)
    {
        NpgsqlConnection? conn = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await notify.WaitAsync(ct);
                    // The read loop may have woken and announced the commits itself meanwhile.
                    if (Interlocked.Exchange(ref unannounced, 0) == 0) continue;
                    if (conn is null)
                    {
                        conn = await dataSource.OpenConnectionAsync(ct);
                        // NOTIFY gives its transaction an id and a commit record: without waiting for that to reach disk the
                        // wake-up leaves at once and costs writers no fsync. A wake-up lost in a crash is caught up by the timer.
                        await using var setup = new NpgsqlCommand("set synchronous_commit = off", conn);
                        await setup.ExecuteNonQueryAsync(ct);
                    }
                    // At most one per notify interval: the loop goes back to sleep only after an interval without commits.
                    await using (var cmd = new NpgsqlCommand(BusStore.NotifySql, conn))
                        await cmd.ExecuteNonQueryAsync(ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
                {
                    // Others still catch up on their timer, and this node's next read announces the commits; nothing is lost.
                    logger.LogWarning(e, "Event bus wake-up failed");
                    Interlocked.Exchange(ref unannounced, 1);
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
