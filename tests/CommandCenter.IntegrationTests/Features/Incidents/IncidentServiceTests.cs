using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Incidents;

public sealed class IncidentServiceTests : StartedCore
{
    private readonly FakeTimeProvider time;

    // Tue 2026-11-24 10:00 Beijing.
    public IncidentServiceTests() : this(new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T02:00:00Z"))) { }

    private IncidentServiceTests(FakeTimeProvider time) : base(time) => this.time = time;

    private static readonly GeoPoint Dongcheng = new(116.4075, 39.9040);
    private static readonly Actor Hotline = new("hotline");
    private static readonly AccessScope CityManagement = new(new HashSet<string> { Roles.Department }, DepartmentCode: "city-management");
    private static readonly AccessScope Enforcement = new(new HashSet<string> { Roles.Department }, DepartmentCode: "city-enforcement");
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);

    private IncidentService Incidents => Get<IncidentService>();

    private Task<Incident> ReportAsync(string serviceCode = "streetlight-out", string? sourceRef = null, string? phone = null) =>
        Incidents.ReportAsync(Hotline, new NewIncident(IncidentSource.Hotline, serviceCode, "东华门大街路灯不亮", Dongcheng,
            SourceRef: sourceRef, CallerName: "王小明", CallerPhone: phone));

    [Fact]
    public async Task Report_StreetLightOut_IsLocatedDueAndOfferedToTheLeadDepartment()
    {
        var incident = await ReportAsync(phone: "13812345678");

        Assert.Equal("110101", incident.DistrictAdcode);
        Assert.Equal(StreetSource.Nearest, incident.StreetSource);
        Assert.Equal(IncidentStatus.Assigned, incident.Status);
        Assert.Equal(SlaTier.Hours24, incident.SlaTier);
        Assert.Equal(time.GetUtcNow().AddHours(24), incident.DueAt);
        Assert.Equal("138****5678", incident.CallerPhoneMasked);
        Assert.Equal("王**", incident.CallerNameMasked);
        var inbox = await Incidents.ListInboxAsync(CityManagement, "city-management");
        var item = Assert.Single(inbox);
        Assert.Equal((incident.Id, AssignmentRole.Lead, AssignmentStatus.Pending), (item.IncidentId, item.Role, item.Status));
    }

    [Fact]
    public async Task Report_PrivateParkingLock_IsDueInSevenWorkingDays()
    {
        var incident = await ReportAsync("private-parking-lock");

        // Reported Tue 24 Nov: Wed 25 (1), Thu 26 (2), Fri 27 (3), Mon 30 (4), Tue 1 Dec (5), Wed 2 (6), Thu 3 (7)
        // → due Fri 4 Dec 00:00 Beijing.
        Assert.Equal(DateTimeOffset.Parse("2026-12-03T16:00:00Z"), incident.DueAt);
    }

    [Fact]
    public async Task Report_SameSourceRefTwice_RecordsOneIncident()
    {
        var first = await ReportAsync(sourceRef: "12345-2026-000001");
        var again = await ReportAsync(sourceRef: "12345-2026-000001");

        Assert.Equal(first.Id, again.Id);
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("select count(*) from incident"));
    }

    [Theory]
    [InlineData("no-such-category", "东华门", 116.4075, 39.9040)]
    [InlineData("streetlight-out", "", 116.4075, 39.9040)]
    [InlineData("streetlight-out", "天津", 117.2, 39.1)]
    [InlineData("streetlight-out", "NaN", double.NaN, 39.9)]
    public async Task Report_BadInput_IsRefusedAndStoresNothing(string code, string description, double lon, double lat)
    {
        await Assert.ThrowsAsync<IncidentValidationException>(() =>
            Incidents.ReportAsync(Hotline, new NewIncident(IncidentSource.App, code, description, new GeoPoint(lon, lat))));

        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from incident"));
    }

    [Fact]
    public async Task Accept_Twice_IsOneAcceptanceAndTheIncidentIsResponded()
    {
        var incident = await ReportAsync();
        var item = (await Incidents.ListInboxAsync(CityManagement, "city-management")).Single();
        time.Advance(TimeSpan.FromMinutes(40));

        await Incidents.AcceptAsync(CityManagement, new Actor("dept-city-management"), item.AssignmentId);
        await Incidents.AcceptAsync(CityManagement, new Actor("dept-city-management"), item.AssignmentId);

        var accepted = await Incidents.GetAsync(Commander, incident.Id);
        Assert.Equal(IncidentStatus.Accepted, accepted!.Status);
        Assert.Equal(time.GetUtcNow(), accepted.RespondedAt);
        Assert.Single(await Incidents.GetTimelineAsync(Commander, incident.Id), t => t.Action == "accepted");
    }

    [Fact]
    public async Task Return_WithReason_BouncesAndLeavesTheIncidentUnowned()
    {
        var incident = await ReportAsync("private-parking-lock");
        var item = (await Incidents.ListInboxAsync(Enforcement, "city-enforcement")).Single();

        await Incidents.ReturnAsync(Enforcement, new Actor("dept-city-enforcement"), item.AssignmentId, "地锁在小区内，属物业管理范围");

        var returned = await Incidents.GetAsync(Commander, incident.Id);
        Assert.Equal((IncidentStatus.Open, 1), (returned!.Status, returned.Bounces));
        Assert.Empty(await Incidents.ListInboxAsync(Enforcement, "city-enforcement"));
        var entry = Assert.Single(await Incidents.GetTimelineAsync(Commander, incident.Id), t => t.Action == "returned");
        Assert.Contains("地锁在小区内", entry.Detail);
        await Assert.ThrowsAsync<AssignmentStateException>(() => Incidents.AcceptAsync(Enforcement, Hotline, item.AssignmentId));
    }

    [Fact]
    public async Task Return_WithoutReason_IsRefusedAndChangesNothing()
    {
        await ReportAsync();
        var item = (await Incidents.ListInboxAsync(CityManagement, "city-management")).Single();

        await Assert.ThrowsAsync<IncidentValidationException>(() => Incidents.ReturnAsync(CityManagement, Hotline, item.AssignmentId, " x "));

        Assert.Equal(AssignmentStatus.Pending, (await Incidents.ListInboxAsync(CityManagement, "city-management")).Single().Status);
    }

    [Fact]
    public async Task Department_OtherDepartmentsWork_IsOutOfReach()
    {
        await ReportAsync();
        var item = (await Incidents.ListInboxAsync(CityManagement, "city-management")).Single();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.ListInboxAsync(Enforcement, "city-management"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.AcceptAsync(Enforcement, Hotline, item.AssignmentId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.ListInboxAsync(new AccessScope(new HashSet<string> { Roles.Liaison }, "110101"), "city-management"));
        Assert.Empty(await Incidents.ListInboxAsync(Enforcement, "city-enforcement"));
        Assert.Single(await Incidents.ListInboxAsync(Commander, "city-management"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.GetTimelineAsync(Enforcement, item.IncidentId));
        Assert.NotEmpty(await Incidents.GetTimelineAsync(CityManagement, item.IncidentId));
    }

    [Fact]
    public async Task Liaison_IncidentOfAnotherDistrict_IsOutOfReach()
    {
        var incident = await ReportAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.GetAsync(new AccessScope(new HashSet<string> { Roles.Liaison }, "110102"), incident.Id));
        Assert.NotNull(await Incidents.GetAsync(new AccessScope(new HashSet<string> { Roles.Liaison }, "110101"), incident.Id));
    }

    [Fact]
    public async Task Lifecycle_ReturnReassignAcceptResolveClose_FeedsTheThreeRates()
    {
        var incident = await ReportAsync("private-parking-lock");
        var first = (await Incidents.ListInboxAsync(Enforcement, "city-enforcement")).Single();
        await Incidents.ReturnAsync(Enforcement, Hotline, first.AssignmentId, "需属地街道处理");
        await Incidents.ReassignAsync(Commander, new Actor("commander"), incident.Id, "city-management");
        var second = (await Incidents.ListInboxAsync(CityManagement, "city-management")).Single();
        time.Advance(TimeSpan.FromHours(3));
        await Incidents.AcceptAsync(CityManagement, Hotline, second.AssignmentId);
        await Assert.ThrowsAsync<AssignmentStateException>(() => Incidents.CloseAsync(Hotline, incident.Id, true, Satisfaction.Satisfied));
        await Incidents.ResolveAsync(CityManagement, Hotline, second.AssignmentId, "已拆除地锁");
        await Incidents.CloseAsync(Hotline, incident.Id, solved: true, Satisfaction.BasicallySatisfied);

        var closed = (await Incidents.GetAsync(Commander, incident.Id))!;
        Assert.Equal((IncidentStatus.Closed, 1, true, Satisfaction.BasicallySatisfied), (closed.Status, closed.Bounces, closed.Solved, closed.Satisfaction));
        Assert.Equal(["reported", "assigned", "returned", "assigned", "accepted", "resolved", "closed"],
            (await Incidents.GetTimelineAsync(Commander, incident.Id)).Select(t => t.Action));
        var counts = ThreeRateFormulas.Count(
            [new IncidentOutcome(closed.SlaTier, closed.ReportedAt, closed.RespondedAt, closed.ClosedAt, closed.Solved, closed.Satisfaction)],
            closed.ReportedAt.AddDays(-1), closed.ReportedAt.AddDays(1), time.GetUtcNow());
        Assert.Equal((1.0, 1.0, 1.0), (counts.ResponseRate, counts.ResolutionRate, counts.SatisfactionRate));
    }

    [Fact]
    public async Task Timeline_IsAppendOnly()
    {
        var incident = await ReportAsync();
        await using var conn = new NpgsqlConnection(Db.ConnectionString);

        await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("update incident_timeline set actor = 'x' where incident_id = @id", new { id = incident.Id }));
        await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("delete from incident_timeline"));
    }
}
