using AngleSharp.Dom;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Situation;
using CommandCenter.Web.Features.Situation.Components;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Tests.Features.Org;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CommandCenter.Web.Tests.Features.Situation;

/// <summary>The console's incident list against the real database: what the grid asks SituationStore.SearchAsync for is what it shows.</summary>
public sealed class IncidentGridTests : IAsyncLifetime
{
    private static readonly GeoPoint Dongcheng = new(116.4075, 39.9040);
    private static readonly GeoPoint Chaoyang = new(116.4430, 39.9215);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    // Its own database: the counts below are exact.
    private readonly LoadedCity city = new();
    private WallNames names = default!;
    private Incident lightA = default!, lightB = default!, parking = default!, elsewhere = default!;

    public async Task InitializeAsync()
    {
        await city.InitializeAsync();
        var incidents = city.Services.GetRequiredService<IncidentService>();
        lightA = await incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "streetlight-out", "东华门大街路灯不亮", Dongcheng));
        lightB = await incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "streetlight-out", "王府井路口路灯闪烁", Dongcheng));
        parking = await incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "private-parking-lock", "小区门口私装地锁", Dongcheng));
        elsewhere = await incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "streetlight-out", "建国门外路灯不亮", Chaoyang));
        names = await WallNames.LoadAsync(city.Services.GetRequiredService<OrgService>());
    }

    public Task DisposeAsync() => city.DisposeAsync();

    [Fact]
    public async Task IncidentGrid_MatrixCellFilter_ShowsExactlyThatCellsIncidents()
    {
        await using var ctx = Context();
        var filter = Filter(cell: "city-management,110101");

        var grid = ctx.Render<IncidentGrid>(p => p.Add(g => g.Filter, filter).Add(g => g.Names, names));

        grid.WaitForAssertion(() => Assert.Equal("2", grid.Find("#incident-list").GetAttribute("data-total")), Wait);
        // The total can render before the rows do.
        grid.WaitForAssertion(() => Assert.Equal(Ids(lightA, lightB), RowIds(grid)), Wait);
        Assert.Equal("共 2 件", grid.Find("#incident-total").TextContent.Trim());
        Assert.DoesNotContain(parking.Description, grid.Markup);
    }

    [Fact]
    public async Task IncidentGrid_PageSizeOne_PagesInTheDatabase()
    {
        await using var ctx = Context();

        var grid = ctx.Render<IncidentGrid>(p => p.Add(g => g.Filter, Filter(district: "110101")).Add(g => g.Names, names).Add(g => g.RowsPerPage, 2));
        grid.WaitForAssertion(() => Assert.Equal("3", grid.Find("#incident-list").GetAttribute("data-total")), Wait);
        grid.WaitForAssertion(() => Assert.Equal(2, RowIds(grid).Count), Wait);
        var first = RowIds(grid);
        await grid.InvokeAsync(() => grid.FindComponent<MudDataGrid<IncidentListItem>>().Instance.NavigateTo(Page.Next));
        grid.WaitForAssertion(() => Assert.Single(RowIds(grid)), Wait);

        Assert.Equal(2, first.Count);
        // Oldest first by default: the two earliest on page one, the third on page two.
        Assert.Equal(Ids(lightA, lightB, parking), first.Concat(RowIds(grid)).ToList());
    }

    [Fact]
    public async Task IncidentGrid_FilterChanges_ReloadsWithTheNewFilter()
    {
        await using var ctx = Context();
        var grid = ctx.Render<IncidentGrid>(p => p.Add(g => g.Filter, Filter(district: "110101")).Add(g => g.Names, names));
        grid.WaitForAssertion(() => Assert.Equal(3, RowIds(grid).Count), Wait);

        grid.Render(p => p.Add(g => g.Filter, Filter(category: "streetlight-out")));
        grid.WaitForAssertion(() => Assert.Equal(Ids(lightA, lightB, elsewhere), RowIds(grid)), Wait);

        grid.Render(p => p.Add(g => g.Filter, Filter(ids: $"{parking.Id},{elsewhere.Id}")));
        grid.WaitForAssertion(() => Assert.Equal(Ids(parking, elsewhere), RowIds(grid)), Wait);
    }

    [Fact]
    public async Task IncidentGrid_RowClick_RaisesOnOpenWithThatIncident()
    {
        await using var ctx = Context();
        IncidentListItem? opened = null;
        var grid = ctx.Render<IncidentGrid>(p => p.Add(g => g.Filter, Filter(cell: "city-enforcement,110101")).Add(g => g.Names, names)
            .Add(g => g.OnOpen, item => opened = item));
        grid.WaitForAssertion(() => Assert.Single(RowIds(grid)), Wait);

        await grid.InvokeAsync(() => grid.Find("#incident-grid tbody tr.cc-incident-row").Click());

        Assert.Equal(parking.Id, opened?.Id);
    }

    private IncidentFilter Filter(string? district = null, string? cell = null, string? category = null, string? ids = null) =>
        ConsoleQuery.Parse(district, null, cell, category, null, null, null, null, null, null, ids, null)
            .ToFilter(city.Services.GetRequiredService<CityClock>());

    private BunitContext Context()
    {
        var ctx = WebTestContext.Create();
        ctx.Services.AddSingleton(city.Services.GetRequiredService<SituationStore>());
        ctx.Services.AddSingleton(city.Services.GetRequiredService<CityClock>());
        ctx.Render<MudPopoverProvider>();
        return ctx;
    }

    private static List<long> Ids(params Incident[] incidents) => incidents.Select(i => i.Id).ToList();

    private static List<long> RowIds(IRenderedComponent<IncidentGrid> grid) =>
        grid.FindAll("#incident-grid tbody tr.cc-incident-row td.incident-id").Select(td => long.Parse(td.TextContent.Trim())).ToList();
}
