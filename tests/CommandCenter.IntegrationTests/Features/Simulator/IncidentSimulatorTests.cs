using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace CommandCenter.IntegrationTests.Features.Simulator;

public sealed class IncidentSimulatorTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Tue 2026-11-24 10:00 Beijing.
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-24T02:00:00Z");
    private readonly TestDatabase db = new();
    private readonly TestDatabase twin = new();

    private static readonly Dictionary<string, string?> Small = new()
    {
        ["CommandCenter:Demo"] = "true", ["Simulator:IncidentsPerDay"] = "300", ["Simulator:HistoryDays"] = "2", ["Simulator:SpeedUp"] = "60",
    };

    public async Task InitializeAsync()
    {
        await db.InitializeAsync();
        await twin.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        await twin.DisposeAsync();
    }

    private static Task<ServiceProvider> StartAsync(TestDatabase database, FakeTimeProvider time, IDictionary<string, string?>? settings = null) =>
        CoreServices.CreateStartedAsync(database.ConnectionString, settings ?? Small, s => s.AddSingleton<TimeProvider>(time));

    private static IncidentSimulator Simulator(ServiceProvider sp) => sp.GetServices<ILeaderJob>().OfType<IncidentSimulator>().Single();

    /// <summary>Runs the job until its history is written (the live loop then waits on the fake clock), then stops it.</summary>
    private static async Task<IncidentSimulator> RunHistoryAsync(ServiceProvider sp, TestDatabase database)
    {
        var simulator = Simulator(sp);
        using var cts = new CancellationTokenSource();
        var run = simulator.RunAsync(cts.Token);
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        for (var i = 0; i < 600 && !run.IsCompleted && await conn.ExecuteScalarAsync<long>("select count(*) from bus_event where kind = @k", new { k = IncidentBulkWriter.ImportedKind }) == 0; i++)
            await Task.Delay(100);
        await cts.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);
        return simulator;
    }

    [Fact]
    public async Task RunAsync_EmptyDatabase_WritesConsistentHistoryWithPlausibleRates()
    {
        await using var sp = await StartAsync(db, new FakeTimeProvider(Start));
        var simulator = await RunHistoryAsync(sp, db);

        var history = Assert.IsType<BulkWriteResult>(simulator.History);
        output.WriteLine($"History: {history.Rows} rows in {history.Elapsed.TotalSeconds:0.00} s = {history.RowsPerSecond:0} rows/s");
        await using var conn = new NpgsqlConnection(db.ConnectionString);
        var incidents = await conn.ExecuteScalarAsync<int>("select count(*) from incident");
        Assert.InRange(incidents, 2 * 300 * 0.8, 2 * 300 * 1.3);
        Assert.Equal(history.IncidentIds.Count, incidents);
        Assert.Equal(history.Assignments, await conn.ExecuteScalarAsync<long>("select count(*) from assignment"));
        Assert.Equal(history.TimelineEntries, await conn.ExecuteScalarAsync<long>("select count(*) from incident_timeline"));

        // Every incident has its report in the timeline and states agree with timestamps.
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("""
            select count(*) from incident i
            where not exists (select 1 from incident_timeline t where t.incident_id = i.id and t.action = 'reported')
               or reported_at > @now or updated_at > @now or due_at <= reported_at
               or (responded_at is not null and responded_at <= reported_at)
               or (resolved_at is not null and (responded_at is null or resolved_at <= responded_at))
               or (closed_at is not null and (resolved_at is null or closed_at <= resolved_at))
               or (status = 'closed') <> (closed_at is not null)
               or (status in ('resolved', 'closed')) <> (resolved_at is not null)
               or (status = 'accepted' and responded_at is null)
               or bounces <> (select count(*) from assignment a where a.incident_id = i.id and a.status = 'returned')
               or responded_at is distinct from (select min(a.accepted_at) from assignment a where a.incident_id = i.id)
            """, new { now = Start }));
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
            "select count(*) from (select incident_id from assignment where role = 'lead' and status in ('pending','accepted') group by incident_id having count(*) > 1) x"));
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
            "select count(*) from incident i where status in ('assigned','accepted') and not exists (select 1 from assignment a where a.incident_id = i.id and a.status in ('pending','accepted'))"));
        Assert.True(await conn.ExecuteScalarAsync<int>("select count(*) from incident where status = 'closed'") > incidents / 4);
        Assert.True(await conn.ExecuteScalarAsync<int>("select count(*) from incident where status in ('assigned', 'accepted')") > 0);
        Assert.True(await conn.ExecuteScalarAsync<int>("select count(*) from incident where bounces >= 2") > 0, "disputes, at least the compound problems'");

        var outcomes = (await conn.QueryAsync<(string Tier, DateTime Reported, DateTime? Responded, DateTime? Closed, bool? Solved, string? Satisfaction)>(
            "select sla_tier, reported_at, responded_at, closed_at, solved, satisfaction from incident"))
            .Select(r => new IncidentOutcome(OrgCodes.ParseSlaTier(r.Tier), Utc(r.Reported), UtcOrNull(r.Responded), UtcOrNull(r.Closed), r.Solved,
                r.Satisfaction is null ? null : IncidentCodes.Parse<Satisfaction>(r.Satisfaction)));
        var rates = ThreeRateFormulas.Count(outcomes, Start.AddDays(-2), Start, Start);
        output.WriteLine($"Rates: response {rates.ResponseRate:P1}, resolution {rates.ResolutionRate:P1}, satisfaction {rates.SatisfactionRate:P1}");
        Assert.InRange(rates.ResponseRate!.Value, 0.85, 0.99);
        Assert.InRange(rates.ResolutionRate!.Value, 0.75, 0.98);
        Assert.InRange(rates.SatisfactionRate!.Value, 0.70, 0.97);
    }

    [Fact]
    public async Task RunAsync_SameSeedAndStart_SameHistoryByContent()
    {
        await using (var a = await StartAsync(db, new FakeTimeProvider(Start))) await RunHistoryAsync(a, db);
        await using (var b = await StartAsync(twin, new FakeTimeProvider(Start))) await RunHistoryAsync(b, twin);

        Assert.Equal(await ContentAsync(db), await ContentAsync(twin));
    }

    [Fact]
    public async Task RunAsync_Restart_DoesNotWriteHistoryAgain()
    {
        var time = new FakeTimeProvider(Start);
        await using (var first = await StartAsync(db, time)) await RunHistoryAsync(first, db);
        await using var conn = new NpgsqlConnection(db.ConnectionString);
        var before = await conn.ExecuteScalarAsync<int>("select count(*) from incident");

        time.Advance(TimeSpan.FromMinutes(5));
        await using var second = await StartAsync(db, time);
        var simulator = Simulator(second);
        using var cts = new CancellationTokenSource();
        var run = simulator.RunAsync(cts.Token);
        await Task.Delay(500);
        await cts.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Null(simulator.History);
        Assert.Equal(before, await conn.ExecuteScalarAsync<int>("select count(*) from incident"));
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("select count(*) from bus_event where kind = @k", new { k = IncidentBulkWriter.ImportedKind }));
    }

    [Fact]
    public async Task RunAsync_LiveTicks_ReportAndProgressIncidentsThroughTheService()
    {
        var time = new FakeTimeProvider(Start);
        var settings = new Dictionary<string, string?>(Small) { ["Simulator:HistoryDays"] = "0", ["Simulator:IncidentsPerDay"] = "20000" };
        await using var sp = await StartAsync(db, time, settings);
        var simulator = Simulator(sp);
        using var cts = new CancellationTokenSource();
        var run = simulator.RunAsync(cts.Token);
        await using var conn = new NpgsqlConnection(db.ConnectionString);

        // 10:00 Beijing at ×60: each real second is a simulated minute, ~20 incidents, and the first acceptances follow.
        for (var tick = 0; tick < 40 && simulator.Live.Steps == 0; tick++)
            await TickAsync(simulator, time, TimeSpan.FromSeconds(1));
        await Task.Delay(300);
        await cts.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.True(simulator.Live.Reported > 20, $"{simulator.Live.Reported} reported");
        Assert.True(simulator.Live.Steps > 0, "lifecycle steps taken");
        // A report cancelled just after its commit is in the database but not yet in the counter.
        var stored = await conn.ExecuteScalarAsync<long>("select count(*) from incident where source = 'simulator'");
        Assert.InRange(stored, simulator.Live.Reported, simulator.Live.Reported + 1);
        // The service's path: each report has its reported + assigned timeline rows and one bus event.
        Assert.Equal(2 * stored, await conn.ExecuteScalarAsync<long>("select count(*) from incident_timeline where action = 'reported' or (action = 'assigned' and actor = 'simulator')"));
        Assert.Equal(stored, await conn.ExecuteScalarAsync<long>("select count(*) from bus_event where kind = 'incident.reported'"));
        Assert.True(await conn.ExecuteScalarAsync<long>("select count(*) from incident where responded_at is not null") > 0);
    }

    [Fact]
    public async Task RunAsync_NewLeaderAfterStop_ProgressesIncidentsTheFirstLeftUnfinished()
    {
        var time = new FakeTimeProvider(Start);
        await using var conn = new NpgsqlConnection(db.ConnectionString);
        await using (var first = await StartAsync(db, time))
        {
            var leader = await RunHistoryAsync(first, db);
            Assert.NotNull(leader.History);
        }
        var left = (await conn.QueryAsync<(long Id, string Status, DateTime Updated)>(
            "select id, status, updated_at from incident where status <> 'closed'")).ToList();
        Assert.True(left.Count > 50, $"{left.Count} unfinished");

        // Leadership moves to a new instance (a restart or another node) ten minutes later.
        time.Advance(TimeSpan.FromMinutes(10));
        var resumedAt = time.GetUtcNow();
        await using var second = await StartAsync(db, time);
        var simulator = Simulator(second);
        using var cts = new CancellationTokenSource();
        var run = simulator.RunAsync(cts.Token);
        for (var i = 0; i < 100 && simulator.Resumed == 0 && !run.IsCompleted; i++) await Task.Delay(100);
        Assert.Equal(left.Count, simulator.Resumed);

        // ×60: each real minute is a simulated hour. Two simulated days.
        for (var hour = 0; hour < 48; hour++) await TickAsync(simulator, time, TimeSpan.FromMinutes(1));
        await cts.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);

        var now = (await conn.QueryAsync<(long Id, string Status, DateTime Updated, string Tier)>("select id, status, updated_at, sla_tier from incident"))
            .ToDictionary(r => r.Id);
        var progressed = left.Where(l => now[l.Id].Updated > l.Updated).ToList();
        output.WriteLine($"{progressed.Count} of {left.Count} progressed; now {string.Join(", ", progressed.GroupBy(p => now[p.Id].Status).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.True(progressed.Count >= left.Count / 2, $"{progressed.Count} of {left.Count} progressed");
        // Two simulated days finish every step of the hour tiers; only working-day tiers may still be at work.
        Assert.All(left.Where(l => now[l.Id].Updated <= l.Updated), l => Assert.Contains(now[l.Id].Tier, new[] { "7d", "15d" }));
        Assert.Contains(progressed, p => p.Status is "open" or "assigned" && now[p.Id].Status != "closed");
        Assert.Contains(progressed, p => now[p.Id].Status == "closed");
        Assert.Contains(progressed, p => p.Status == "resolved");
        // Steps overdue at the hand-over trickle in over several ticks rather than land in the new leader's first one.
        var firstSteps = await conn.QueryAsync<DateTime>("""
            select min(t.at) from incident_timeline t
            where t.incident_id = any(@ids) and t.at > @resumedAt and t.actor like 'simulator%'
            group by t.incident_id
            """, new { ids = left.Select(l => l.Id).ToArray(), resumedAt });
        Assert.True(firstSteps.Select(at => at.Ticks / TimeSpan.TicksPerMinute).Distinct().Count() >= 3, "spread over several ticks");
        // Nothing was taken twice.
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
            "select count(*) from (select incident_id from incident_timeline where action = 'closed' group by incident_id having count(*) > 1) x"));
    }

    /// <summary>Advances the clock by <paramref name="step"/> and waits until the simulator has finished the tick it wakes.</summary>
    private static async Task TickAsync(IncidentSimulator simulator, FakeTimeProvider time, TimeSpan step)
    {
        var before = simulator.Ticks;
        time.Advance(step);
        for (var attempt = 0; attempt < 5 && simulator.Ticks == before; attempt++)
        {
            for (var wait = 0; wait < 100 && simulator.Ticks == before; wait++) await Task.Delay(20);
            // Advanced before the simulator was waiting again: this wakes its fresh delay.
            if (simulator.Ticks == before) time.Advance(TimeSpan.FromSeconds(1));
        }
        await Task.Delay(20);
    }

    private static async Task<List<string>> ContentAsync(TestDatabase database)
    {
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        const string sql = """
            select concat_ws('|', i.service_code, i.description, i.lon, i.lat, i.district_adcode, i.street_code, i.status, i.bounces,
                   i.reported_at, i.updated_at, i.due_at, i.responded_at, i.resolved_at, i.closed_at, i.solved, i.satisfaction,
                   (select string_agg(concat_ws(',', a.department_code, a.status, a.assigned_at, a.accepted_at, a.returned_at, a.return_reason, a.resolved_at), ';' order by a.id)
                    from assignment a where a.incident_id = i.id),
                   (select string_agg(concat_ws(',', t.at, t.actor, t.action, t.department_code, t.detail::text), ';' order by t.id)
                    from incident_timeline t where t.incident_id = i.id))
            from incident i order by i.id
            """;
        return (await conn.QueryAsync<string>(sql)).ToList();
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;
}
