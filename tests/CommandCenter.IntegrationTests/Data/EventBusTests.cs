using System.Collections.Concurrent;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Data;

public sealed class EventBusTests : StartedCore
{
    private NpgsqlDataSource DataSource => Get<NpgsqlDataSource>();

    private async Task<(NpgsqlConnection Conn, NpgsqlTransaction Tx)> BeginAsync()
    {
        var conn = await DataSource.OpenConnectionAsync();
        return (conn, await conn.BeginTransactionAsync());
    }

    private async Task<IReadOnlyList<BusEvent>> ReadAsync(BusCursor after)
    {
        await using var conn = await DataSource.OpenConnectionAsync();
        return await BusStore.ReadAsync(conn, after, 100, default);
    }

    /// <summary>
    /// Reads until <paramref name="count"/> events are visible. Transaction ids are cluster-wide, so a write
    /// transaction of another test database running in parallel can hold delivery back for a moment too.
    /// </summary>
    private async Task<IReadOnlyList<BusEvent>> ReadAtLeastAsync(BusCursor after, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var events = await ReadAsync(after);
            if (events.Count >= count || DateTime.UtcNow > deadline) return events;
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Cursor_LaterIdCommitsFirst_HoldsItBackAndSkipsNothing()
    {
        // T1 takes the smaller id, T2 the larger; T2 commits first. "id > last seen" would deliver 2, then skip 1.
        var (c1, t1) = await BeginAsync();
        var (c2, t2) = await BeginAsync();
        await BusStore.AppendAsync(c1, t1, "test", [1], default);
        await BusStore.AppendAsync(c2, t2, "test", [2], default);
        await t2.CommitAsync();

        var whileT1InFlight = await ReadAsync(BusCursor.Start);
        await t1.CommitAsync();
        var afterBoth = await ReadAtLeastAsync(BusCursor.Start, 2);

        Assert.Empty(whileT1InFlight);
        Assert.Equal([1L, 2L], afterBoth.Select(e => e.Ids[0]));
        await c1.DisposeAsync();
        await c2.DisposeAsync();
    }

    [Fact]
    public async Task Cursor_OlderTransactionWritesItsEventLast_IsStillDelivered()
    {
        // T1 starts writing first (older transaction id) but appends its event after T2's.
        var (c1, t1) = await BeginAsync();
        await c1.ExecuteAsync("select pg_current_xact_id()", transaction: t1);
        var (c2, t2) = await BeginAsync();
        await BusStore.AppendAsync(c2, t2, "test", [2], default);
        await t2.CommitAsync();
        var first = await ReadAsync(BusCursor.Start);
        await BusStore.AppendAsync(c1, t1, "test", [1], default);
        await t1.CommitAsync();

        var cursor = first.Count == 0 ? BusCursor.Start : new BusCursor(first[^1].Tx, first[^1].Id);
        var rest = await ReadAtLeastAsync(cursor, 2);

        Assert.Empty(first);
        Assert.Equal([1L, 2L], rest.Select(e => e.Ids[0]));
        await c1.DisposeAsync();
        await c2.DisposeAsync();
    }

    [Fact]
    public async Task CommitAsync_ChangeAndEventInOneRoundTrip_BothCommitAndTheConnectionStaysUsable()
    {
        var (conn, tx) = await BeginAsync();
        await BusStore.AppendAsync(conn, tx, "test", [11], default); // stands for the change
        await BusStore.CommitAsync(conn, tx, "test", [12], default);
        await tx.DisposeAsync(); // must not roll back what the batch committed
        await using (var next = await conn.BeginTransactionAsync())
        {
            await BusStore.CommitAsync(conn, next, "test", [13], default);
        }

        var events = await ReadAtLeastAsync(BusCursor.Start, 3);
        Assert.Equal([11L, 12L, 13L], events.Select(e => e.Ids[0]));
        await conn.DisposeAsync();
    }

    [Fact]
    public async Task CommitAsync_EventRejected_NothingOfTheTransactionIsCommitted()
    {
        var (conn, tx) = await BeginAsync();
        await BusStore.AppendAsync(conn, tx, "test", [21], default);

        await Assert.ThrowsAsync<PostgresException>(() => BusStore.CommitAsync(conn, tx, "", [22], default)); // kind must not be empty
        await tx.DisposeAsync();
        await AppendCommittedAsync(23);

        var events = await ReadAtLeastAsync(BusCursor.Start, 1);
        Assert.Equal([23L], events.Select(e => e.Ids[0]));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from bus_event where 21 = any(ids) or 22 = any(ids)"));
        await conn.DisposeAsync();
    }

    [Fact]
    public async Task Bus_TwoNodes_BothReceiveByNotificationNotByTimer()
    {
        // The catch-up timer is far away: only the NOTIFY wake-up can deliver within the deadline.
        await using var nodeA = await StartNodeAsync(TimeSpan.FromMinutes(5));
        await using var nodeB = await StartNodeAsync(TimeSpan.FromMinutes(5));

        await AppendCommittedAsync(42);
        nodeA.Bus.Published();

        await nodeA.WaitForAsync(42);
        await nodeB.WaitForAsync(42);
    }

    [Fact]
    public async Task Bus_NodeCommittingSteadily_AnnouncesEveryCommitToTheOtherNode()
    {
        // Commits closer together than the notify interval: after the first, node A announces them with its reads.
        await using var nodeA = await StartNodeAsync(TimeSpan.FromMinutes(5));
        await using var nodeB = await StartNodeAsync(TimeSpan.FromMinutes(5));

        for (var id = 100; id < 130; id++)
        {
            await AppendCommittedAsync(id);
            nodeA.Bus.Published();
            await Task.Delay(3);
        }

        await nodeB.WaitForAsync(129);
        Assert.Equal(Enumerable.Range(100, 30).Select(i => (long)i), nodeB.Received.Select(e => e.Ids[0]).Where(id => id >= 100).Order());
        await nodeA.WaitForAsync(129);
    }

    [Fact]
    public async Task Bus_NodeCommittingFasterThanTheBusyRate_WakesOthersAtTheBusyInterval()
    {
        // Commits as fast as the test can (a few hundred a second, ~50 on a loaded CI machine); wake-ups counted over the
        // last 1.2 s: busy (from 20 events a second on) one per 400 ms, else one per 10 ms at most.
        var busy = await WakeUpsWhilePublishingAsync(new BusOptions { CatchUpInterval = TimeSpan.FromMinutes(5), BusyRate = 20, BusyInterval = TimeSpan.FromMilliseconds(400) });
        var quiet = await WakeUpsWhilePublishingAsync(new BusOptions { CatchUpInterval = TimeSpan.FromMinutes(5), BusyRate = 1_000_000 });

        // Four per 1.2 s when the rate holds; a stalled publisher (a busy test machine) may drop a window back to 10 ms.
        Assert.InRange(busy, 1, 12);
        Assert.True(quiet >= 4 * busy, $"{quiet} wake-ups at the 10 ms interval, {busy} busy");
    }

    private async Task<int> WakeUpsWhilePublishingAsync(BusOptions options)
    {
        await using var listener = await DataSource.OpenConnectionAsync();
        var (wakeUps, counting) = (0, false);
        listener.Notification += (_, e) => { if (e.Channel == BusStore.Channel && Volatile.Read(ref counting)) Interlocked.Increment(ref wakeUps); };
        await listener.ExecuteAsync($"listen {BusStore.Channel}");
        var bus = new EventBus(DataSource, Options.Create(options), NullLogger<EventBus>.Instance);
        await using (var node = new Node(bus))
        {
            await bus.StartAsync(default);
            await bus.Ready;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            _ = Task.Delay(300).ContinueWith(_ => Volatile.Write(ref counting, true), TaskScheduler.Default); // the rate is measured by then
            var waiting = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested) await listener.WaitAsync(stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            });
            for (var id = 1L; !stop.IsCancellationRequested; id++)
            {
                await AppendCommittedAsync(id);
                bus.Published();
                await Task.Delay(2);
            }
            await waiting;
        }
        return Volatile.Read(ref wakeUps);
    }

    [Fact]
    public async Task Bus_EventHeldBackByOlderTransaction_ArrivesWhenItEndsWithoutAnotherWakeUp()
    {
        await using var node = await StartNodeAsync(TimeSpan.FromMinutes(5));
        var (oldConn, oldTx) = await BeginAsync();
        await oldConn.ExecuteAsync("select pg_current_xact_id()", transaction: oldTx); // an older writer still running
        await AppendCommittedAsync(7);
        node.Bus.Published();
        await Task.Delay(200);
        Assert.DoesNotContain(node.Received, e => e.Ids.Contains(7));

        await oldTx.CommitAsync(); // no NOTIFY, no Published(): the bus must look again by itself

        await node.WaitForAsync(7);
        await oldConn.DisposeAsync();
    }

    [Fact]
    public async Task LastReadAt_SomeTransactionAlwaysInFlight_StillAdvances()
    {
        // Under constant load an event is nearly always held back by some running transaction. LastReadAt must still
        // move on once every transaction that had committed by a read is delivered, or a busy wall would turn stale.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
        var a = clock.GetUtcNow();
        await using var node = await StartNodeAsync(TimeSpan.FromMinutes(5), clock);
        Assert.Equal(a, node.Bus.LastReadAt);

        var (c1, t1) = await BeginAsync();
        await BusStore.AppendAsync(c1, t1, "test", [1], default);
        clock.Advance(TimeSpan.FromSeconds(1));
        var b = clock.GetUtcNow();
        await AppendCommittedAsync(2);
        node.Bus.Published();
        await Task.Delay(200); // reads at b, held back by T1
        Assert.Equal(a, node.Bus.LastReadAt);

        var (c3, t3) = await BeginAsync();
        await BusStore.AppendAsync(c3, t3, "test", [3], default); // T3 starts after the reads at b
        await AppendCommittedAsync(4); // held back by T3 from now on, so no read from here on is complete
        clock.Advance(TimeSpan.FromSeconds(1));
        await t1.CommitAsync();
        node.Bus.Published();
        await node.WaitForAsync(1);
        await WaitUntilAsync(() => node.Bus.LastReadAt == b, $"LastReadAt did not reach the reads that T1 held back (a {a:O}, b {b:O})", () => $"{node.Bus.LastReadAt:O}");
        Assert.DoesNotContain(node.Received, e => e.Ids.Contains(4));

        await t3.CommitAsync();
        node.Bus.Published();
        await node.WaitForAsync(4);
        await WaitUntilAsync(() => node.Bus.LastReadAt == clock.GetUtcNow(), "LastReadAt did not catch up once nothing was held back");
        Assert.Equal([1L, 2L, 3L, 4L], node.Received.Select(e => e.Ids[0]).Order());
        await c1.DisposeAsync();
        await c3.DisposeAsync();
    }

    [Fact]
    public async Task Bus_ListenConnectionKilled_ReconnectsAndCatchesUp()
    {
        await using var node = await StartNodeAsync(TimeSpan.FromSeconds(1));
        await AppendCommittedAsync(1);
        node.Bus.Published();
        await node.WaitForAsync(1);

        await using (var admin = await DataSource.OpenConnectionAsync())
        {
            var killed = await admin.ExecuteScalarAsync<int>(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database() and application_name = @name",
                new { name = EventBus.ApplicationName });
            Assert.True(killed >= 1, "the bus's LISTEN connection was not found");
        }
        await AppendCommittedAsync(2); // no Published(): the wake-up is lost with the connection

        await node.WaitForAsync(2);
        Assert.Equal([1L, 2L], node.Received.Select(e => e.Ids[0]).Where(id => id is 1 or 2));
    }

    private async Task AppendCommittedAsync(long id)
    {
        var (conn, tx) = await BeginAsync();
        await BusStore.AppendAsync(conn, tx, "test", [id], default);
        await tx.CommitAsync();
        await conn.DisposeAsync();
    }

    /// <summary>Polls for up to 10 s: transactions of other test databases share the cluster's snapshot and can delay reads.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, string message, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{message} {state?.Invoke()}");
            await Task.Delay(20);
        }
    }

    private async Task<Node> StartNodeAsync(TimeSpan catchUp, TimeProvider? time = null)
    {
        var bus = new EventBus(DataSource, Options.Create(new BusOptions { CatchUpInterval = catchUp }), NullLogger<EventBus>.Instance, time);
        var node = new Node(bus);
        await bus.StartAsync(default);
        await bus.Ready;
        return node;
    }

    private sealed class Node : IAsyncDisposable
    {
        private readonly IDisposable subscription;
        public ConcurrentQueue<BusEvent> Received { get; } = new();
        public EventBus Bus { get; }

        public Node(EventBus bus)
        {
            Bus = bus;
            subscription = bus.Subscribe(batch => { foreach (var e in batch) Received.Enqueue(e); });
        }

        public async Task WaitForAsync(long id)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!Received.Any(e => e.Ids.Contains(id)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"event {id} did not arrive within 10 s");
                await Task.Delay(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            subscription.Dispose();
            await Bus.StopAsync(default);
            Bus.Dispose();
        }
    }
}
