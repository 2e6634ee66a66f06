using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// P5: with 350 and then 1,750 liaison clients connected to <c>/hubs/dispatch</c> (real .NET SignalR clients over
/// WebSockets, spread evenly over the 16 districts, each signed in with its district's liaison cookie and resumed from
/// 0, as district systems connect), order issued → received by every target and acknowledgment → visible to the
/// commander's node. The real app (<see cref="AppProcess"/>, demo mode, simulator off) runs on a fresh clone; this
/// process is a second Core node with its own <see cref="EventBus"/>, as a commander's node would be.
/// <para>
/// Each order is a city-wide joint order to all 16 districts, issued through <see cref="DispatchService.IssueAsync"/> as
/// the commander, one at a time, <see cref="Gap"/> apart, so every connected client receives it (as every client receives
/// the baseline's broadcast). Issued time is just after <c>IssueAsync</c> returns (the commit plus one read back); a
/// receipt is the client's <c>Delivery</c> handler seeing that order id. Lost = expected receipts − receipts within
/// <see cref="ReceiptTimeout"/>. Clients do not call <c>Received</c> (that would be 1,750 transactions per order).
/// </para>
/// <para>
/// Acknowledgment: after each order's receipts, one client in each of 4 of its districts (rotating, so every district
/// acknowledges) invokes <c>Acknowledge(targetId)</c>, one after another; measured from just before the call to this
/// node's bus callback for that order's "order.changed" event of that acknowledgment.
/// </para>
/// <para>
/// Baseline in the same run: a bare hub in this process (Kestrel on loopback, a hub with no methods), the same number of
/// clients connected the same way, <c>Clients.All</c> sending a ~325-byte message; send → every client's handler.
/// Everything runs on this machine: the clients share the CPU with the app and PostgreSQL (and with the bare hub).
/// </para>
/// </summary>
public sealed class P5Benchmark : IBenchmark
{
    private static readonly int[] Sizes = [350, 1_750];
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(30);
    private const int AcksPerOrder = 4;
    private const int WarmUp = 10;
    private const int ConnectBatch = 50;

    public string Name => "p5";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var orders = context.Options.Incidents ?? 60; // 20 left the p99 to one slow order
        foreach (var size in Sizes)
        {
            await RunSizeAsync(context, size, orders, ct);
        }
    }

    private static async Task RunSizeAsync(BenchContext context, int size, int orders, CancellationToken ct)
    {
        // The baseline in two halves, before and after, so drift in the machine's load touches both sides alike.
        var bareBefore = await BareAsync(size, orders / 2, ct);

        await using var db = await context.CreateDatabaseAsync(ct);
        await using var node = CoreServices.Create(db.ConnectionString);
        await using var app = await BenchBrowser.StartAppAsync(db, ct);
        var districts = (await node.GetRequiredService<OrgStore>().ListDistrictsAsync(ct)).Select(d => d.Adcode).Order().ToList();
        var dispatch = node.GetRequiredService<DispatchService>();
        var commander = AccessScope.For(Roles.Commander);
        var actor = new Actor("commander");

        // One sign-in per district; every client of the district sends the same cookie, as one district system's workers would.
        var cookies = new Dictionary<string, string>();
        using (var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) })
        {
            foreach (var d in districts)
            {
                var session = await CookieSession.SignInAsync(http, $"liaison-{d}");
                cookies[d] = string.Join("; ", session.Cookies.Select(c => $"{c.Key}={c.Value}"));
            }
        }

        var receipts = new ConcurrentQueue<(int Client, long OrderId, long At)>();
        var frameBytes = 0;
        var clients = new List<(HubConnection Connection, string District)>();
        try
        {
            var connect = Stopwatch.StartNew();
            for (var start = 0; start < size; start += ConnectBatch)
            {
                var batch = Enumerable.Range(start, Math.Min(ConnectBatch, size - start)).Select(async i =>
                {
                    var district = districts[i % districts.Count];
                    var connection = Build(new Uri(new Uri(app.BaseUrl), "hubs/dispatch"), cookies[district]);
                    connection.On<JsonElement>("Delivery", m =>
                    {
                        receipts.Enqueue((i, m.GetProperty("orderId").GetInt64(), Stopwatch.GetTimestamp()));
                        if (frameBytes == 0) frameBytes = Encoding.UTF8.GetByteCount(m.GetRawText()) + 46; // + the invocation's envelope
                    });
                    await connection.StartAsync(ct);
                    await connection.InvokeAsync<JsonElement>("Resume", 0L, ct);
                    return (connection, district);
                }).ToList();
                foreach (var task in batch) clients.Add(await task);
            }
            var perDistrict = clients.GroupBy(c => c.District).Select(g => g.Count()).ToList();
            Console.WriteLine($"  {N(size)} liaison clients connected to /hubs/dispatch over WebSockets in {F(connect.Elapsed.TotalSeconds, 1)} s " +
                $"({perDistrict.Min()}–{perDistrict.Max()} per district, {districts.Count} districts); {Load()}");

            // The commander's node: this process's bus, as the app's nodes see the same events.
            var bus = node.GetRequiredService<EventBus>();
            var changes = new ConcurrentDictionary<long, List<long>>();
            using var subscription = bus.Subscribe(events =>
            {
                var at = Stopwatch.GetTimestamp();
                foreach (var e in events)
                {
                    if (e.Kind != BusKinds.OrderChanged) continue;
                    foreach (var id in e.Ids)
                    {
                        var list = changes.GetOrAdd(id, _ => []);
                        lock (list) list.Add(at);
                    }
                }
            });
            await bus.StartAsync(ct);
            await bus.Ready.WaitAsync(TimeSpan.FromSeconds(30), ct);

            // Warm-up (the JIT's second tier, pools, prepared statements on both sides), not counted: with one warm-up order
            // the slowest measured orders were the first few.
            for (var w = 0; w < WarmUp; w++)
            {
                await IssueAsync(dispatch, commander, actor, districts, ct);
                await WaitReceiptsAsync(receipts, (w + 1) * size, TimeSpan.FromSeconds(30), ct);
                await Task.Delay(Gap / 4, ct);
            }
            await Task.Delay(Gap * 2, ct);
            await db.CheckpointAsync(ct);

            var cpu = await CpuMeter.StartAsync(db.ConnectionString);
            var appCpu = CpuMeter.SecondsOf([app.ProcessId]);
            var issued = new List<(long OrderId, long Called, long Returned, Order Order)>();
            var acks = new List<double>();
            var ackCalls = new List<double>();
            var ackMissing = 0;
            var ackRound = 0;
            for (var k = 0; k < orders; k++)
            {
                var called = Stopwatch.GetTimestamp();
                var order = await IssueAsync(dispatch, commander, actor, districts, ct);
                var returned = Stopwatch.GetTimestamp();
                issued.Add((order.Id, called, returned, order));
                await WaitReceiptsAsync(receipts, (k + 1 + WarmUp) * size, ReceiptTimeout, ct);
                // The issue's own event must have reached this node first, so the next events for the order are the acknowledgments.
                await WaitChangesAsync(changes, order.Id, 1, TimeSpan.FromSeconds(10), ct);

                for (var a = 0; a < AcksPerOrder; a++, ackRound++)
                {
                    var district = districts[ackRound % districts.Count];
                    var target = order.Targets.Single(t => t.DistrictAdcode == district);
                    var client = clients.Where(c => c.District == district).ElementAt(ackRound / districts.Count % perDistrict.Min());
                    var before = Stopwatch.GetTimestamp();
                    await client.Connection.InvokeAsync<JsonElement>("Acknowledge", target.Id, (string?)null, ct);
                    var answered = Stopwatch.GetTimestamp();
                    var seen = await WaitChangesAsync(changes, order.Id, 2 + a, TimeSpan.FromSeconds(10), ct);
                    if (seen is { } at)
                    {
                        acks.Add(Ms(before, at));
                        ackCalls.Add(Ms(before, answered));
                    }
                    else
                    {
                        ackMissing++;
                    }
                }
                await Task.Delay(Gap, ct);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var used = await cpu.StopAsync();
            var appUsed = CpuMeter.SecondsOf([app.ProcessId]) - appCpu;
            await bus.StopAsync(CancellationToken.None);
            await DisposeAllAsync(clients.Select(c => c.Connection));
            clients.Clear();
            var bareAfter = await BareAsync(size, orders - orders / 2, ct);
            var bareAll = bareBefore.Latencies.Concat(bareAfter.Latencies).ToList();
            var bare = new BareResult(bareAll, Percentile([.. bareAll.Order()], 99), bareBefore.Lost + bareAfter.Lost, bareBefore.Bytes);

            var byOrder = receipts.GroupBy(r => r.OrderId).ToDictionary(g => g.Key, g => g.ToList());
            var latencies = new List<double>();
            var fromCall = new List<double>();
            var duplicates = 0;
            var received = 0;
            var byDistrict = districts.ToDictionary(d => d, _ => new List<double>());
            foreach (var (orderId, called, returned, _) in issued)
            {
                var got = byOrder.GetValueOrDefault(orderId) ?? [];
                var first = got.GroupBy(r => r.Client).Select(g => g.Min(r => r.At)).ToList();
                duplicates += got.Count - first.Count;
                received += first.Count;
                latencies.AddRange(first.Select(at => Ms(returned, at)));
                foreach (var g in got.GroupBy(r => r.Client)) byDistrict[districts[g.Key % districts.Count]].Add(Ms(returned, g.Min(r => r.At)));
                fromCall.AddRange(first.Select(at => Ms(called, at)));
            }
            // Which orders set the tail, and when (seconds after the first order; a job the app runs each minute shows here).
            var slowest = issued.Select((o, k) => (K: k + 1, At: Ms(issued[0].Returned, o.Returned) / 1000,
                    Max: byOrder.GetValueOrDefault(o.OrderId) is { Count: > 0 } got ? got.Max(r => Ms(o.Returned, r.At)) : double.NaN))
                .OrderByDescending(o => o.Max).Take(3).ToList();
            var expected = (long)size * orders;
            var lost = expected - received;
            var p99 = Percentile([.. latencies.Order()], 99);
            var goal = size <= 350 ? 100 : 250;

            Console.WriteLine($"  {used}; app {F(appUsed, 1)} s; per order: {N(districts.Count)} targets, {N(size)} receipts expected");
            // The app pushes one district group after another: the spread of the districts' medians shows what that order costs.
            var medians = byDistrict.Select(p => (District: p.Key, P50: Median(p.Value))).OrderBy(p => p.P50).ToList();
            Console.WriteLine($"  per district p50: fastest {medians[0].District} {F(medians[0].P50)} ms, slowest {medians[^1].District} {F(medians[^1].P50)} ms");
            Console.WriteLine($"  slowest orders: {string.Join(", ", slowest.Select(o => $"#{o.K} at {F(o.At, 1)} s: last receipt {F(o.Max)} ms"))}");
            Console.WriteLine($"  bare broadcast hub (this process, same {N(size)} clients, {bare.Bytes}-byte frames, {N(orders)} broadcasts, half before and half after): {Spread(bare.Latencies, 50, 99)}" +
                $"{(bare.Lost > 0 ? $"; {N(bare.Lost)} lost" : "")}");
            Console.WriteLine($"P5 issued -> received, {N(size)} liaisons: {Spread(latencies, 50, 99)} ({N(received)} receipts, {N(lost)} lost" +
                $"{(duplicates > 0 ? $", {N(duplicates)} repeats" : "")}; {N(orders)} city-wide orders to all {districts.Count} districts, {F(Gap.TotalSeconds, 0)} s apart; " +
                $"from the call instead of its return: p99 {F(Percentile([.. fromCall.Order()], 99))} ms); bare broadcast p99 {F(bare.P99)} ms; " +
                $"ratio {F(p99 / bare.P99)}; {frameBytes}-byte frames; goal p99 <= {goal} ms, ratio <= 2; {Load()}");
            Console.WriteLine($"P5 acknowledgment -> visible to the commander's node, {N(size)} liaisons: {Spread(acks, 50, 99)} ({N(acks.Count)} acknowledgments" +
                $"{(ackMissing > 0 ? $", {N(ackMissing)} never seen" : "")}; hub call answered p50 {F(Percentile([.. ackCalls.Order()], 50))} ms, " +
                $"p99 {F(Percentile([.. ackCalls.Order()], 99))} ms); {Load()}");
        }
        finally
        {
            await DisposeAllAsync(clients.Select(c => c.Connection));
        }
    }

    private static async Task<Order> IssueAsync(DispatchService dispatch, AccessScope commander, Actor actor, IReadOnlyList<string> districts, CancellationToken ct) =>
        (await dispatch.IssueAsync(commander, actor, new NewOrder(
            OrderPriority.Normal, DateTimeOffset.UtcNow.AddDays(1),
            districts.Select(d => new NewTarget(d, "city-management", [], [])).ToList(), OrderSource.None,
            "全市联动：请各区立即组织排查辖区内积水点和下凹式立交桥，落实值守并于两小时内反馈处置情况。"), ct)).Order;

    private static HubConnection Build(Uri url, string? cookie)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(url, HttpTransportType.WebSockets, o =>
            {
                if (cookie is not null) o.Headers["Cookie"] = cookie;
            })
            // 2 cores carry the app, PostgreSQL and every client: generous timeouts, so a busy moment is not a disconnect.
            .WithServerTimeout(TimeSpan.FromMinutes(5))
            .WithKeepAliveInterval(TimeSpan.FromSeconds(15))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .Build();
        connection.HandshakeTimeout = TimeSpan.FromMinutes(2);
        return connection;
    }

    /// <summary>Until <paramref name="total"/> receipts have come in (orders are issued one at a time), or the timeout.</summary>
    private static async Task WaitReceiptsAsync<T>(ConcurrentQueue<T> receipts, int total, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && receipts.Count < total)
        {
            await Task.Delay(20, ct);
        }
    }

    private static async Task<long?> WaitChangesAsync(ConcurrentDictionary<long, List<long>> changes, long orderId, int count, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (changes.TryGetValue(orderId, out var list))
            {
                lock (list)
                {
                    if (list.Count >= count) return list[count - 1];
                }
            }
            if (clock.Elapsed > timeout) return null;
            await Task.Delay(1, ct);
        }
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static async Task DisposeAllAsync(IEnumerable<HubConnection> connections)
    {
        foreach (var chunk in connections.Chunk(ConnectBatch * 4))
        {
            await Task.WhenAll(chunk.Select(async c =>
            {
                try { await c.DisposeAsync(); }
                catch (Exception) { /* already gone */ }
            }));
        }
    }

    private sealed record BareResult(List<double> Latencies, double P99, long Lost, int Bytes);

    /// <summary>A hub that does nothing but accept connections; the benchmark broadcasts through its hub context.</summary>
    private sealed class BareHub : Hub;

    private sealed record BareMessage(int Id, string Text);

    /// <summary>The baseline: <paramref name="size"/> clients on a bare hub in this process, <paramref name="count"/> broadcasts of ~325 bytes.</summary>
    private static async Task<BareResult> BareAsync(int size, int count, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{AppProcess.FreePort()}");
        builder.Services.AddSignalR();
        await using var web = builder.Build();
        web.MapHub<BareHub>("/hubs/bare");
        await web.StartAsync(ct);
        var url = new Uri(new Uri(web.Urls.First()), "hubs/bare");
        var hub = web.Services.GetRequiredService<IHubContext<BareHub>>();

        // The frame: {"type":1,"target":"Delivery","arguments":[{"id":N,"text":"…"}]} and the record separator, about 325 bytes.
        var text = new string('x', 325 - 70);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { type = 1, target = "Delivery", arguments = new object[] { new { id = 100, text } } }).Length + 1;

        var receipts = new ConcurrentQueue<(int Client, int Id, long At)>();
        var connections = new List<HubConnection>();
        try
        {
            for (var start = 0; start < size; start += ConnectBatch)
            {
                var batch = Enumerable.Range(start, Math.Min(ConnectBatch, size - start)).Select(async i =>
                {
                    var connection = Build(url, null);
                    connection.On<JsonElement>("Delivery", m => receipts.Enqueue((i, m.GetProperty("id").GetInt32(), Stopwatch.GetTimestamp())));
                    await connection.StartAsync(ct);
                    return connection;
                }).ToList();
                foreach (var task in batch) connections.Add(await task);
            }
            // Warm-up broadcasts, as many as the app's warm-up orders, not counted.
            for (var w = 0; w < WarmUp; w++)
            {
                await hub.Clients.All.SendAsync("Delivery", new BareMessage(-1 - w, text), ct);
                await WaitReceiptsAsync(receipts, (w + 1) * size, ReceiptTimeout, ct);
                await Task.Delay(Gap / 4, ct);
            }
            await Task.Delay(Gap, ct);

            var latencies = new List<double>();
            long received = 0;
            for (var k = 0; k < count; k++)
            {
                var id = 100 + k;
                var sent = Stopwatch.GetTimestamp();
                await hub.Clients.All.SendAsync("Delivery", new BareMessage(id, text), ct);
                await WaitReceiptsAsync(receipts, (k + 1 + WarmUp) * size, ReceiptTimeout, ct);
                var first = receipts.Where(r => r.Id == id).GroupBy(r => r.Client).Select(g => g.Min(r => r.At)).ToList();
                received += first.Count;
                latencies.AddRange(first.Select(at => Ms(sent, at)));
                await Task.Delay(Gap, ct);
            }
            return new BareResult(latencies, Percentile([.. latencies.Order()], 99), (long)size * count - received, bytes);
        }
        finally
        {
            await DisposeAllAsync(connections);
            await web.StopAsync(CancellationToken.None);
        }
    }
}
