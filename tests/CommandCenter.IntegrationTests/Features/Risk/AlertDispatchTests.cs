using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Risk;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.IntegrationTests.Features.Risk;

public sealed class AlertDispatchTests() : RiskFixture(new FakeTimeProvider(Now))
{
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);
    private static readonly Actor Chief = new("commander", "10.0.0.1");

    private DispatchService Dispatch => Get<DispatchService>();

    [Fact]
    public async Task OneClick_DistrictAlert_OrdersTheDistrictLedByTheOwnerAndASecondClickReturnsIt()
    {
        var id = Assert.Single((await PostAndEvaluateAsync("waterlogging-depth", "110105", 62)).ChangedAlertIds);

        var first = await Dispatch.DispatchAsync(Commander, Chief, AlertService.OrderSourceFor(id));
        var again = await Dispatch.DispatchAsync(Commander, Chief, AlertService.OrderSourceFor(id));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Order.Id, again.Order.Id);
        var order = first.Order;
        Assert.Equal((OrderPriority.ExtraUrgent, OrderSourceKind.Alert, id.ToString()), (order.Priority, order.SourceKind, order.SourceRef));
        Assert.Equal(Now.AddHours(2), order.DeadlineAt);
        Assert.Empty(order.IncidentIds);
        var target = Assert.Single(order.Targets);
        Assert.Equal(("110105", "beijing-drainage"), (target.DistrictAdcode, target.LeadDepartment));
        Assert.Contains("朝阳区道路积水深度红色预警（I级）", order.Instruction);
        Assert.Contains("62厘米", order.Instruction);
        Assert.Contains($"#{id}", order.Instruction);
        var state = Get<RiskState>();
        await state.RefreshAsync(default);
        Assert.Equal(order.Id, Assert.Single(state.Current.Alerts).OpenOrderId);
    }

    [Theory]
    [InlineData(8.2, OrderPriority.Urgent)]
    [InlineData(7.2, OrderPriority.Normal)]
    public async Task OneClick_AlertLevel_SetsThePriority(double congestion, OrderPriority expected)
    {
        var id = Assert.Single((await PostAndEvaluateAsync("road-congestion", "110101", congestion)).ChangedAlertIds);

        var order = (await Dispatch.DispatchAsync(Commander, Chief, AlertService.OrderSourceFor(id))).Order;

        Assert.Equal(expected, order.Priority);
        Assert.Equal(Now.AddHours(24), order.DeadlineAt);
        Assert.Equal(("110101", "transport"), (order.Targets[0].DistrictAdcode, order.Targets[0].LeadDepartment));
    }

    [Fact]
    public async Task OneClick_CityWideAlert_TargetsTheDistrictsWithTheMostReportsInTheLastHour()
    {
        var hotline = new Actor("hotline");
        foreach (var (point, count) in new[] { (new GeoPoint(116.2981, 39.9593), 2), (new GeoPoint(116.4854, 39.9484), 3), (new GeoPoint(116.4075, 39.9040), 1) })
            for (var i = 0; i < count; i++)
                await Get<IncidentService>().ReportAsync(hotline, new NewIncident(IncidentSource.Hotline, "power-outage", "小区停电", point));
        var id = Assert.Single((await PostAndEvaluateAsync("power-load", null, 99)).ChangedAlertIds);

        var order = (await Dispatch.DispatchAsync(Commander, Chief, AlertService.OrderSourceFor(id))).Order;

        Assert.Equal(["110105", "110108", "110101"], order.Targets.Select(t => t.DistrictAdcode));
        Assert.All(order.Targets, t => Assert.Equal("state-grid", t.LeadDepartment));
        Assert.Contains("全市电网负荷率红色预警", order.Instruction);
    }

    [Fact]
    public async Task OneClick_UnknownAlert_IsRefused()
    {
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.DispatchAsync(Commander, Chief, AlertService.OrderSourceFor(424242)));
    }
}
