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

    private async Task<IReadOnlyList<InboxItem>> InboxAsync(AccessScope scope, string department) =>
        (await Incidents.ListInboxAsync(scope, department)).Items;

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
        var inbox = await InboxAsync(CityManagement, "city-management");
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
        var item = (await InboxAsync(CityManagement, "city-management")).Single();
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
        var item = (await InboxAsync(Enforcement, "city-enforcement")).Single();

        await Incidents.ReturnAsync(Enforcement, new Actor("dept-city-enforcement"), item.AssignmentId, "地锁在小区内，属物业管理范围");

        var returned = await Incidents.GetAsync(Commander, incident.Id);
        Assert.Equal((IncidentStatus.Open, 1), (returned!.Status, returned.Bounces));
        Assert.Empty(await InboxAsync(Enforcement, "city-enforcement"));
        var entry = Assert.Single(await Incidents.GetTimelineAsync(Commander, incident.Id), t => t.Action == "returned");
        Assert.Contains("地锁在小区内", entry.Detail);
        await Assert.ThrowsAsync<AssignmentStateException>(() => Incidents.AcceptAsync(Enforcement, Hotline, item.AssignmentId));
    }

    [Fact]
    public async Task Return_WithoutReason_IsRefusedAndChangesNothing()
    {
        await ReportAsync();
        var item = (await InboxAsync(CityManagement, "city-management")).Single();

        await Assert.ThrowsAsync<IncidentValidationException>(() => Incidents.ReturnAsync(CityManagement, Hotline, item.AssignmentId, " x "));

        Assert.Equal(AssignmentStatus.Pending, (await InboxAsync(CityManagement, "city-management")).Single().Status);
    }

    [Fact]
    public async Task Department_OtherDepartmentsWork_IsOutOfReach()
    {
        await ReportAsync();
        var item = (await InboxAsync(CityManagement, "city-management")).Single();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.ListInboxAsync(Enforcement, "city-management"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.AcceptAsync(Enforcement, Hotline, item.AssignmentId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.ListInboxAsync(new AccessScope(new HashSet<string> { Roles.Liaison }, "110101"), "city-management"));
        Assert.Empty(await InboxAsync(Enforcement, "city-enforcement"));
        Assert.Single(await InboxAsync(Commander, "city-management"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.GetTimelineAsync(Enforcement, item.IncidentId));
        Assert.NotEmpty(await Incidents.GetTimelineAsync(CityManagement, item.IncidentId));
    }

    [Fact]
    public async Task ListInbox_MoreThanAPage_PagesInTheDatabaseWithTotalAndCounts()
    {
        for (var i = 0; i < 6; i++) await ReportAsync();
        var overdue = await Incidents.ReportAsync(Hotline, new NewIncident(IncidentSource.Hotline, "streetlight-out", "三天前的路灯", Dongcheng,
            ReportedAt: time.GetUtcNow().AddDays(-3)));
        var returned = await ReportAsync();
        var toReturn = (await InboxAsync(CityManagement, "city-management")).Single(i => i.IncidentId == returned.Id);
        await Incidents.ReturnAsync(CityManagement, Hotline, toReturn.AssignmentId, "非本部门职责");
        var toAccept = (await InboxAsync(CityManagement, "city-management")).First(i => i.IncidentId != overdue.Id);
        await Incidents.AcceptAsync(CityManagement, Hotline, toAccept.AssignmentId);

        var first = await Incidents.ListInboxAsync(CityManagement, "city-management", new InboxQuery(Limit: 3));

        Assert.Equal((3, 7, 7, 6, 1), (first.Items.Count, first.Total, first.Active, first.Pending, first.Overdue));
        Assert.Equal(overdue.Id, first.Items[0].IncidentId);
        var pages = new List<InboxItem>();
        for (var offset = 0; offset < 9; offset += 3)
            pages.AddRange((await Incidents.ListInboxAsync(CityManagement, "city-management", new InboxQuery(Offset: offset, Limit: 3))).Items);
        Assert.Equal(7, pages.Select(i => i.AssignmentId).Distinct().Count());
        Assert.DoesNotContain(pages, i => i.IncidentId == returned.Id);

        var newestFirst = await Incidents.ListInboxAsync(CityManagement, "city-management",
            new InboxQuery(IncludeFinished: true, Limit: 100, Sort: nameof(InboxItem.IncidentId), Descending: true));
        Assert.Equal(8, newestFirst.Total);
        Assert.Equal(newestFirst.Items.Select(i => i.IncidentId).OrderDescending(), newestFirst.Items.Select(i => i.IncidentId));
        Assert.Equal(AssignmentStatus.Returned, newestFirst.Items[0].Status);
        Assert.Equal(7, newestFirst.Active);
    }

    [Fact]
    public async Task ListInbox_UnknownSortOrOddPage_IsRefusedOrBounded()
    {
        await ReportAsync();
        await ReportAsync();

        await Assert.ThrowsAsync<IncidentValidationException>(() =>
            Incidents.ListInboxAsync(CityManagement, "city-management", new InboxQuery(Sort: "id; drop table incident")));
        Assert.Single((await Incidents.ListInboxAsync(CityManagement, "city-management", new InboxQuery(Limit: 0))).Items);
        Assert.Equal(2, (await Incidents.ListInboxAsync(CityManagement, "city-management", new InboxQuery(Offset: -5))).Items.Count);
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Incidents.ListInboxAsync(Enforcement, "city-management", new InboxQuery(IncludeFinished: true, Limit: 500)));
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
        var first = (await InboxAsync(Enforcement, "city-enforcement")).Single();
        await Incidents.ReturnAsync(Enforcement, Hotline, first.AssignmentId, "需属地街道处理");
        await Incidents.ReassignAsync(Commander, new Actor("commander"), incident.Id, "city-management");
        var second = (await InboxAsync(CityManagement, "city-management")).Single();
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
