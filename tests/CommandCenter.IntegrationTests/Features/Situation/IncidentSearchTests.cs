using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Situation;

public sealed class IncidentSearchTests : StartedCore
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T02:00:00Z");

    public IncidentSearchTests() : base(new FakeTimeProvider(Now)) { }

    private SituationStore Store => Get<SituationStore>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var generator = await Generators.CreateAsync(Services, seed: 5);
        await Get<IncidentBulkWriter>().WriteAsync(
            generator.GenerateWithClusters(Now.AddDays(-3), Now, 2000).Select(p => IncidentGenerator.Materialize(p, Now).Incident));
    }

    [Fact]
    public async Task Search_DistrictPages_TogetherAreEveryUnfinishedIncidentInOrder()
    {
        var filter = new IncidentFilter(DistrictAdcode: "110105", Sort: IncidentSort.DueAt);

        var pages = new List<IncidentListItem>();
        IncidentPage page;
        do
        {
            page = await Store.SearchAsync(filter, Now, pages.Count, 25, default);
            pages.AddRange(page.Items);
        } while (page.Items.Count == 25);

        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        var expected = (await conn.QueryAsync<long>(
            "select id from incident where district_adcode = '110105' and status in ('open', 'assigned', 'accepted') order by due_at, id")).ToList();
        Assert.True(expected.Count > 50, $"{expected.Count} incidents");
        Assert.Equal(expected, pages.Select(i => i.Id));
        Assert.Equal(expected.Count, page.Total);
    }

    [Fact]
    public async Task Search_OverdueByLeadDepartment_EqualsSql()
    {
        var page = await Store.SearchAsync(new IncidentFilter(LeadDepartment: "city-management", OverdueOnly: true), Now, 0, 500, default);

        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        var expected = await conn.ExecuteScalarAsync<int>("""
            select count(*) from incident i join assignment a on a.incident_id = i.id and a.role = 'lead' and a.status in ('pending', 'accepted')
            where a.department_code = 'city-management' and i.status in ('open', 'assigned', 'accepted') and i.due_at < @Now
            """, new { Now });
        Assert.Equal(expected, page.Total);
        Assert.All(page.Items, i => Assert.True(i.DueAt < Now && i.LeadDepartment == "city-management"));
    }

    [Fact]
    public async Task Search_FinishedWithinAWindow_IncludesClosedOnes()
    {
        var page = await Store.SearchAsync(new IncidentFilter(UnfinishedOnly: false, ReportedFrom: Now.AddDays(-3), ReportedTo: Now.AddDays(-2)), Now, 0, 500, default);

        Assert.Contains(page.Items, i => i.Status == IncidentStatus.Closed);
        Assert.All(page.Items, i => Assert.InRange(i.ReportedAt, Now.AddDays(-3), Now.AddDays(-2)));
        var assignments = await Store.AssignmentsAsync(page.Items[0].Id, default);
        Assert.Contains(assignments, a => a.Role == AssignmentRole.Lead);
    }

    [Fact]
    public async Task Search_Ids_ReturnsExactlyThoseIncidentsWhateverTheirState()
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        var open = await conn.QueryFirstAsync<long>("select id from incident where status = 'open' order by id limit 1");
        var closed = await conn.QueryFirstAsync<long>("select id from incident where status = 'closed' order by id limit 1");
        var other = await conn.QueryFirstAsync<long>("select id from incident where status = 'open' and id <> @open order by id limit 1", new { open });

        var unfinished = await Store.SearchAsync(new IncidentFilter(Ids: [open, closed]), Now, 0, 50, default);
        var all = await Store.SearchAsync(new IncidentFilter(UnfinishedOnly: false, Ids: [open, closed]), Now, 0, 50, default);

        Assert.Equal([open], unfinished.Items.Select(i => i.Id));
        Assert.Equal(1, unfinished.Total);
        Assert.Equal(new[] { open, closed }.Order(), all.Items.Select(i => i.Id).Order());
        Assert.Equal(2, all.Total);
        Assert.DoesNotContain(all.Items, i => i.Id == other);
    }

    [Fact]
    public async Task Search_FinishedWithoutAWindow_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SearchAsync(new IncidentFilter(UnfinishedOnly: false), Now, 0, 10, default));
    }
}
