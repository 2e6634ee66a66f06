using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static CommandCenter.Core.Data.DbTime;

namespace CommandCenter.IntegrationTests.Features.Rollups;

public sealed class RollupTests : StartedCore
{
    // Tue 2026-11-24 10:00 Beijing.
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T02:00:00Z");
    private static readonly GeoPoint Donghuamen = new(116.4075, 39.9140);
    private static readonly Actor Hotline = new("hotline");

    public RollupTests() : base(new FakeTimeProvider(Now)) { }

    private RollupStore Store => Get<RollupStore>();

    private CityClock Clock => Get<CityClock>();

    /// <summary>Three days of simulated history (closed, bounced, open incidents) through the bulk path.</summary>
    private async Task WriteHistoryAsync()
    {
        var generator = await Generators.CreateAsync(Services, seed: 7);
        var history = generator.GenerateWithClusters(Now.AddDays(-3), Now, 1500).Select(p => IncidentGenerator.Materialize(p, Now).Incident);
        await Get<IncidentBulkWriter>().WriteAsync(history);
    }

    private Task<Incident> ReportAsync(string serviceCode = "streetlight-out") =>
        Get<IncidentService>().ReportAsync(Hotline, new NewIncident(IncidentSource.Hotline, serviceCode, "东华门大街路灯不亮", Donghuamen));

    [Fact]
    public async Task Open_History_CellsEqualTheIncidentsCountedInCSharp()
    {
        await WriteHistoryAsync();

        await Store.OpenAsync(default);

        await AssertCellsEqualTheIncidentsAsync();
    }

    [Fact]
    public async Task CatchUp_ReportsAmongCountedCells_RecountsTheirCellsAndLeavesTheOthersEqualToTheIncidents()
    {
        await WriteHistoryAsync();
        var cursor = await Store.OpenAsync(default);
        var generator = await Generators.CreateAsync(Services, seed: 7);
        var late = generator.Generate(Now.AddHours(-6), Now, 5000).Take(40).Select(p => IncidentGenerator.Materialize(p, Now).Incident).ToList();

        await Get<IncidentBulkWriter>().WriteAsync(late);
        await ReportAsync();
        await CatchUpAsync(cursor, 2);

        await AssertCellsEqualTheIncidentsAsync();
    }

    /// <summary>Every rollup_cell row equals the incidents of its bucket and cell, counted here in C#, and no cell is missing.</summary>
    private async Task AssertCellsEqualTheIncidentsAsync()
    {
        var grid = Get<RollupGrid>();
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        var expected = (await conn.QueryAsync<(DateTime At, string District, double Lon, double Lat, string Code)>(
                "select reported_at, district_adcode, lon, lat, service_code from incident"))
            .GroupBy(r => (Bucket: BucketOf(Utc(r.At)), r.District, Cell: grid.CellOf(new GeoPoint(r.Lon, r.Lat)), r.Code))
            .ToDictionary(g => $"{g.Key.Bucket:O}|{g.Key.District}|{g.Key.Cell.X}|{g.Key.Cell.Y}|{g.Key.Code}", g => g.Count());
        var actual = (await conn.QueryAsync<(DateTime Bucket, string District, int X, int Y, string Code, int Reported)>(
                "select bucket, district_adcode, cell_x, cell_y, service_code, reported from rollup_cell"))
            .ToDictionary(r => $"{Utc(r.Bucket):O}|{r.District}|{r.X}|{r.Y}|{r.Code}", r => r.Reported);
        Assert.True(expected.Count > 1000, $"{expected.Count} cells");
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData(RateGroup.City)]
    [InlineData(RateGroup.District)]
    [InlineData(RateGroup.Street)]
    [InlineData(RateGroup.Department)]
    public async Task Rates_History_EqualThreeRateFormulasOnTheRawIncidents(RateGroup group)
    {
        await WriteHistoryAsync();
        await Store.OpenAsync(default);

        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        var rows = await conn.QueryAsync<(long Id, string District, string Street, string StreetSource, string Tier, DateTime Reported, DateTime? Responded,
            DateTime? Closed, bool? Solved, string? Satisfaction)>(
            "select id, district_adcode, street_code, street_source, sla_tier, reported_at, responded_at, closed_at, solved, satisfaction from incident");
        var leads = (await conn.QueryAsync<(long Incident, long Id, string Department)>(
                "select incident_id, id, department_code from assignment where role = 'lead'"))
            .GroupBy(a => a.Incident).ToDictionary(g => g.Key, g => g.MaxBy(a => a.Id).Department);
        var today = Clock.Today;
        foreach (var (from, to) in new[] { (today.AddDays(-2), today.AddDays(1)), (today.AddDays(-1), today), (today, today.AddDays(1)) })
        {
            var expected = rows
                .Where(r => group != RateGroup.Street || r.StreetSource == "supplied")
                .GroupBy(r => group switch
                {
                    RateGroup.City => "",
                    RateGroup.District => r.District,
                    RateGroup.Street => r.Street,
                    _ => leads.GetValueOrDefault(r.Id, ""),
                })
                .ToDictionary(g => g.Key, g => ThreeRateFormulas.Count(
                    g.Select(r => new IncidentOutcome(OrgCodes.ParseSlaTier(r.Tier), Utc(r.Reported), Utc(r.Responded), Utc(r.Closed), r.Solved,
                        r.Satisfaction is null ? null : IncidentCodes.Parse<Satisfaction>(r.Satisfaction))),
                    Clock.StartOf(from), Clock.StartOf(to), Now))
                .Where(p => p.Value != RateCounts.Zero);

            var actual = await Store.RatesAsync(from, to, group, default);

            Assert.NotEmpty(actual);
            Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        }
        if (group == RateGroup.City)
        {
            var city = (await Store.RatesAsync(today.AddDays(-2), today.AddDays(1), group, default))[""];
            Assert.InRange(city.ResponseRate!.Value, 0.5, 1);
            Assert.InRange(city.SatisfactionRate!.Value, 0.5, 1);
        }
    }

    [Fact]
    public async Task Rates_EmptyPeriod_HaveNothingToCount()
    {
        await WriteHistoryAsync();
        await Store.OpenAsync(default);

        var future = await Store.RatesAsync(Clock.Today.AddDays(10), Clock.Today.AddDays(40), RateGroup.City, default);

        Assert.Empty(future);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(24, null)]
    [InlineData(24 * 3 + 5, null)]
    [InlineData(24 * 3 + 5, "garbage")]
    public async Task Heat_FromCachedDaysAndHours_EqualsTheRollupCellsSummedInSql(int hours, string? code)
    {
        await WriteHistoryAsync();
        await Store.OpenAsync(default);
        string[]? codes = code is null ? null : [code];
        var from = Now.AddHours(-hours).AddMinutes(-25); // off the hour: the edges are read live

        var first = await Get<RollupHeat>().HeatAsync(from, Now.AddMinutes(10), codes, default);
        var cached = await Get<RollupHeat>().HeatAsync(from, Now.AddMinutes(10), codes, default);
        var sql = await Store.HeatAsync(from, Now.AddMinutes(10), codes, default);

        Assert.True(sql.Sum(c => c.Count) > 0);
        Assert.Equal(Sorted(sql), Sorted(first));
        Assert.Equal(Sorted(sql), Sorted(cached));
    }

    [Fact]
    public async Task Heat_LateReportInACachedHour_CountedOnceTheVersionIsChecked()
    {
        await WriteHistoryAsync();
        var cursor = await Store.OpenAsync(default);
        var heat = Get<RollupHeat>();
        var before = (await heat.HeatAsync(Now.AddDays(-2), Now, null, default)).Sum(c => c.Count);

        // An archive import: incidents reported yesterday, in hours and a day the heat already holds in memory.
        var generator = await Generators.CreateAsync(Services, seed: 99);
        var late = generator.Generate(Now.AddDays(-1).AddHours(-3), Now.AddDays(-1), 2000).Take(5).Select(p => IncidentGenerator.Materialize(p, Now).Incident).ToList();
        await Get<IncidentBulkWriter>().WriteAsync(late);
        await CatchUpAsync(cursor, 1);
        var beforeCheck = (await heat.HeatAsync(Now.AddDays(-2), Now, null, default)).Sum(c => c.Count);
        ((FakeTimeProvider)Get<TimeProvider>()).Advance(RollupHeat.VersionCheck);
        var after = await heat.HeatAsync(Now.AddDays(-2), Now, null, default);

        Assert.Equal(5, late.Count);
        Assert.Equal(before, beforeCheck); // still the cached pieces: at most VersionCheck old
        Assert.Equal(before + 5, after.Sum(c => c.Count));
        Assert.Equal(Sorted(await Store.HeatAsync(Now.AddDays(-2), Now, null, default)), Sorted(after));
    }

    private static List<(int, int, int)> Sorted(IEnumerable<HeatCell> cells) =>
        cells.Select(c => (c.Cell.X, c.Cell.Y, c.Count)).Order().ToList();

    [Fact]
    public async Task CatchUp_NewReports_CountedOnceEvenWhenTheEventsAreReadAgain()
    {
        var cursor = await Store.OpenAsync(default);
        await ReportAsync();
        await ReportAsync();
        await ReportAsync("garbage");

        var pending = await Store.StatusAsync(default);
        var (next, events) = await CatchUpAsync(cursor, 3);
        var first = await HeatHereAsync(null);
        await CatchUpAsync(cursor, 3); // as after a crash before the cursor was saved
        var again = await HeatHereAsync(null);

        Assert.Equal(3, pending.PendingEvents);
        Assert.True(pending.Lag > TimeSpan.Zero);
        Assert.Equal(3, events);
        Assert.Equal(3, first);
        Assert.Equal(3, again);
        Assert.Equal(1, await HeatHereAsync(["garbage"]));
        var status = await Store.StatusAsync(default);
        Assert.Equal((next, 0L, TimeSpan.Zero), (status.Cursor, status.PendingEvents, status.Lag));
        Assert.Equal(3, (await Store.ReportedPerHourAsync(Now.AddHours(-1), Now.AddHours(1), default)).Sum(b => b.Count));
        Assert.Equal(new CategoryCount("streetlight-out", 2), (await Store.TopCategoriesAsync(Now.AddHours(-1), Now.AddHours(1), 1, default)).Single());
    }

    [Fact]
    public async Task CatchUp_AcceptedWithinTheWindow_CountsAsRespondedOnTimeInTheDistrict()
    {
        var cursor = await Store.OpenAsync(default);
        var incident = await ReportAsync();
        var item = (await Get<IncidentService>().ListInboxAsync(AccessScope.For(Roles.Commander), "city-management")).Items.Single();
        await Get<IncidentService>().AcceptAsync(new AccessScope(new HashSet<string> { Roles.Department }, DepartmentCode: "city-management"),
            new Actor("dept"), item.AssignmentId);

        await CatchUpAsync(cursor, 2);
        var days = await Store.RecomputeDirtyDaysAsync(recentDays: false, default);

        var rates = await Store.RatesAsync(Clock.Today, Clock.Today.AddDays(1), RateGroup.District, default);
        Assert.Equal(new RateCounts(1, 1, 0, 0, 0, 0), rates[incident.DistrictAdcode]);
        Assert.Equal([Clock.Today], days);
        Assert.Empty(await Store.RecomputeDirtyDaysAsync(recentDays: false, default));
    }

    [Fact]
    public async Task Open_AnotherGrid_RebuildsTheCells()
    {
        await WriteHistoryAsync();
        await Store.OpenAsync(default);
        var coarse = new RollupStore(Get<NpgsqlDataSource>(), new RollupGrid(2000, 40.19), Clock);

        await coarse.OpenAsync(default);

        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        Assert.Equal("2000m@40.19/2", await conn.ExecuteScalarAsync<string>("select grid from rollup_state"));
        Assert.Equal(await conn.ExecuteScalarAsync<long>("select count(*) from incident"), await conn.ExecuteScalarAsync<long>("select sum(reported) from rollup_cell"));
        var cells = await coarse.HeatAsync(Now.AddDays(-4), Now, null, default);
        Assert.All(cells, c => Assert.Equal(c.Cell, new RollupGrid(2000, 40.19).CellOf(c.Centre)));
    }

    [Fact]
    public async Task Job_WhileLeading_CountsANewReportAndMeasuresItsLag()
    {
        var job = new RollupJob(Store, Get<Core.Data.Bus.EventBus>(), Clock,
            Options.Create(new RollupOptions { Interval = TimeSpan.FromMilliseconds(50) }), NullLogger<RollupJob>.Instance);
        using var cts = new CancellationTokenSource();
        var run = job.RunAsync(cts.Token);
        await WaitForAsync(async () => (await Store.StatusAsync(default)).UpdatedAt is not null);

        await ReportAsync();
        await WaitForAsync(async () => await HeatHereAsync(null) == 1);
        // The cells commit just before the cursor and the lag sample: wait for the whole catch-up.
        await WaitForAsync(() => Task.FromResult(job.Lag.Samples >= 1));

        await cts.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.True(job.Lag.Samples >= 1);
        Assert.InRange(job.Lag.P99, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Catches up until <paramref name="expected"/> events are counted: transaction ids are cluster-wide, so a
    /// transaction of a test running in parallel on another database can hold events back for a moment.
    /// </summary>
    private async Task<(BusCursor Cursor, int Events)> CatchUpAsync(BusCursor cursor, int expected)
    {
        var counted = 0;
        for (var i = 0; i < 400 && counted < expected; i++)
        {
            var (next, events) = await Store.CatchUpAsync(cursor, default);
            (cursor, counted) = (next, counted + events.Count);
            if (counted < expected) await Task.Delay(25);
        }
        return (cursor, counted);
    }

    private async Task<int> HeatHereAsync(IReadOnlyCollection<string>? codes)
    {
        var cell = Get<RollupGrid>().CellOf(Donghuamen);
        return (await Store.HeatAsync(Now.AddHours(-1), Now.AddHours(1), codes, default)).Where(c => c.Cell == cell).Sum(c => c.Count);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("Timed out waiting");
    }

    private static DateTimeOffset BucketOf(DateTimeOffset t)
    {
        var origin = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return origin + TimeSpan.FromTicks((t - origin).Ticks / RollupStore.Bucket.Ticks * RollupStore.Bucket.Ticks);
    }
}
