using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Situation;

/// <summary>The live state against SQL ground truth, on simulated history and then a scripted sequence of events.</summary>
public sealed class SituationStateTests : StartedCore
{
    // Tue 2026-11-24 10:00 Beijing.
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T02:00:00Z");
    private static readonly GeoPoint Donghuamen = new(116.4075, 39.9140);
    private static readonly Actor Hotline = new("hotline");
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);

    private const int ListLimit = 500;

    private readonly FakeTimeProvider time;

    public SituationStateTests() : this(new FakeTimeProvider(Now)) { }

    private SituationStateTests(FakeTimeProvider time) : base(time, new Dictionary<string, string?> { ["Situation:ListLimit"] = $"{ListLimit}" }) =>
        this.time = time;

    private SituationState State => Get<SituationState>();

    private IncidentService Incidents => Get<IncidentService>();

    private async Task WriteHistoryAsync()
    {
        var generator = await Generators.CreateAsync(Services, seed: 11);
        await Get<IncidentBulkWriter>().WriteAsync(
            generator.GenerateWithClusters(Now.AddDays(-4), Now, 1500).Select(p => IncidentGenerator.Materialize(p, Now).Incident));
        await Get<RollupStore>().OpenAsync(default);
    }

    [Fact]
    public async Task Refresh_History_NumbersEqualSqlGroundTruth()
    {
        await WriteHistoryAsync();

        await State.RefreshAsync(default);

        await AssertMatchesSqlAsync(State.Current);
        Assert.NotEmpty(State.Current.Disputes);
        Assert.NotEmpty(State.Current.Compounds);
        Assert.Equal(24, State.Current.Trend.LastWeek.Count);
        Assert.Equal(11, State.Current.Trend.Today.Count); // 00:00–10:59 local
    }

    [Fact]
    public async Task Refresh_ScriptedEvents_NumbersFollowAndEqualSqlGroundTruth()
    {
        await WriteHistoryAsync();
        await State.RefreshAsync(default);
        var before = State.Current;
        await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
        var cursor = await BusStore.HeadAsync(conn, default);

        // A dispute in the making: reported, returned by two departments in turn.
        var bounced = await ReportAsync("private-parking-lock");
        await ReturnLeadAsync(bounced.Id, "不属于本部门职责");
        await Incidents.ReassignAsync(Commander, new Actor("commander"), bounced.Id, "transport");
        await ReturnLeadAsync(bounced.Id, "应由街道协调");
        // A compound problem at one place: three categories, three lead departments.
        var place = new[] { await ReportAsync("road-not-handed-over"), await ReportAsync("streetlight-out"), await ReportAsync("street-vending") };
        await FeedEventsAsync(conn, cursor, expected: 7);
        time.Advance(TimeSpan.FromSeconds(6)); // disputes and compound problems are recomputed at most every 5 s

        await State.RefreshAsync(default);

        var after = State.Current;
        Assert.Equal(before.Kpis.ReportedToday + 4, after.Kpis.ReportedToday);
        Assert.Equal(before.Kpis.Open + 4, after.Kpis.Open);
        var dispute = Assert.Single(after.Disputes, d => d.IncidentId == bounced.Id);
        Assert.Equal(2, dispute.Bounces);
        Assert.Equal([("city-enforcement", "不属于本部门职责"), ("transport", "应由街道协调")], dispute.Chain.Select(b => (b.DepartmentCode, b.Reason)));
        Assert.True(dispute.Unowned);
        var compound = Assert.Single(after.Compounds, c => place.All(p => c.IncidentIds.Contains(p.Id)));
        Assert.Subset(compound.Departments.ToHashSet(), new HashSet<string> { "housing-construction", "city-management", "city-enforcement" });
        await AssertMatchesSqlAsync(after);
    }

    [Fact]
    public async Task Service_ListsRecomputedBesideTheLoop_ArePublishedByItself()
    {
        await State.StartAsync(default);
        try
        {
            await WaitUntilAsync(() => State.Current.Loaded);
            await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
            var cursor = await BusStore.HeadAsync(conn, default);
            var place = new[] { await ReportAsync("road-not-handed-over"), await ReportAsync("streetlight-out") };
            time.Advance(TimeSpan.FromSeconds(6));
            await FeedEventsAsync(conn, cursor, expected: 2);

            // The loop computes the lists beside its publishes, then publishes them without being asked again.
            await WaitUntilAsync(() => State.Current.Compounds.Any(c => place.All(p => c.IncidentIds.Contains(p.Id))));
            Assert.Equal(2, State.Current.Kpis.Open);
        }
        finally
        {
            await State.StopAsync(default);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the live state");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Refresh_SameEventsTwice_CountsOnce()
    {
        await State.RefreshAsync(default);
        await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
        var cursor = await BusStore.HeadAsync(conn, default);
        await ReportAsync("garbage");
        await FeedEventsAsync(conn, cursor, expected: 1);
        await State.RefreshAsync(default);
        await FeedEventsAsync(conn, cursor, expected: 1); // redelivered (the bus is at-least-once)

        await State.RefreshAsync(default);

        Assert.Equal((1, 1), (State.Current.Kpis.ReportedToday, State.Current.Kpis.Open));
    }

    [Fact]
    public async Task Subscribe_Refresh_NotifiesUntilDisposed()
    {
        var calls = 0;
        var subscription = State.Subscribe(() => Interlocked.Increment(ref calls));
        await State.RefreshAsync(default);
        subscription.Dispose();
        await State.RefreshAsync(default);

        Assert.Equal(1, calls);
        Assert.True(State.Current.Loaded);
    }

    private Task<Incident> ReportAsync(string serviceCode) =>
        Incidents.ReportAsync(Hotline, new NewIncident(IncidentSource.Hotline, serviceCode, "东华门大街<b>多部门</b>问题", Donghuamen));

    private async Task ReturnLeadAsync(long incidentId, string reason)
    {
        await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
        var (id, department) = await conn.QuerySingleAsync<(long, string)>(
            "select id, department_code from assignment where incident_id = @incidentId and role = 'lead' and status = 'pending'", new { incidentId });
        await Incidents.ReturnAsync(new AccessScope(new HashSet<string> { Roles.Department }, DepartmentCode: department), new Actor(department), id, reason);
    }

    /// <summary>Hands the state what the bus would (waiting out events held back by parallel tests' transactions).</summary>
    private async Task FeedEventsAsync(NpgsqlConnection conn, BusCursor cursor, int expected)
    {
        var events = new List<BusEvent>();
        for (var i = 0; i < 400 && events.Count < expected; i++)
        {
            var batch = await BusStore.ReadAsync(conn, events.Count == 0 ? cursor : new BusCursor(events[^1].Tx, events[^1].Id), 1000, default);
            events.AddRange(batch);
            if (events.Count < expected) await Task.Delay(25);
        }
        Assert.Equal(expected, events.Count);
        State.Enqueue(events);
    }

    private async Task AssertMatchesSqlAsync(SituationSnapshot snapshot)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        var start = Get<CityClock>().StartOf(Get<CityClock>().Today);
        var now = time.GetUtcNow();
        Assert.Equal(await conn.ExecuteScalarAsync<int>("select count(*) from incident where reported_at >= @start", new { start }), snapshot.Kpis.ReportedToday);
        Assert.Equal(await conn.ExecuteScalarAsync<int>("select count(*) from incident where status in ('open', 'assigned', 'accepted')"), snapshot.Kpis.Open);
        Assert.Equal(await conn.ExecuteScalarAsync<int>("select count(*) from incident where status in ('open', 'assigned', 'accepted') and due_at < @now", new { now }),
            snapshot.Kpis.Overdue);

        const string backlog = """
            select coalesce(a.department_code, '') as department, i.district_adcode, count(*)::int as open, count(*) filter (where i.due_at < @now)::int as overdue
            from incident i
            left join assignment a on a.incident_id = i.id and a.role = 'lead' and a.status in ('pending', 'accepted')
            where i.status in ('open', 'assigned', 'accepted')
            group by 1, 2 order by 1, 2
            """;
        var expected = (await conn.QueryAsync<(string Department, string District, int Open, int Overdue)>(backlog, new { now })).ToList();
        Assert.Equal(expected, snapshot.Backlog.Select(c => (c.DepartmentCode, c.DistrictAdcode, c.Open, c.Overdue))
            .OrderBy(c => c.DepartmentCode, StringComparer.Ordinal).ThenBy(c => c.DistrictAdcode, StringComparer.Ordinal));

        const string disputes = """
            select i.id from incident i
            where i.status in ('open', 'assigned', 'accepted')
              and (i.bounces >= 2 or (i.due_at < @now and not exists (
                  select 1 from assignment a where a.incident_id = i.id and a.role = 'lead' and a.status = 'accepted')))
            order by i.bounces desc, i.reported_at, i.id
            limit @ListLimit
            """;
        Assert.Equal((await conn.QueryAsync<long>(disputes, new { now, ListLimit })).Order(), snapshot.Disputes.Select(d => d.IncidentId).Order());
    }
}
