using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Web.Features.Wall.Components;
using CommandCenter.Web.Resources;
using CommandCenter.Web.Tests.Features.Wall;

namespace CommandCenter.Web.Tests.Features.Dispatch;

public sealed class OrdersTileTests
{
    [Fact]
    public async Task OrdersTile_Counts_ShowActiveUnacknowledgedAndOverdueWithAsOf()
    {
        await using var ctx = WallFixtures.Context();

        var tiles = Render(ctx, new OrderCounts(Active: 12, Unacknowledged: 5, Overdue: 2), WallFixtures.Now.AddSeconds(-3));

        var tile = tiles.Find("[data-kpi='orders']");
        Assert.Equal(("12", "5", "2"), (tile.GetAttribute("data-value"), tile.GetAttribute("data-unacknowledged"), tile.GetAttribute("data-overdue")));
        Assert.Equal("12", tile.QuerySelector(".wall-kpi__value")!.TextContent.Trim());
        Assert.Contains("在办指令", tile.TextContent);
        Assert.Equal("待签收 5", tile.QuerySelector("[data-sub='unacknowledged']")!.TextContent.Trim());
        // Overdue is loud: its own line with an alarm icon and words, and the tile turns to alert.
        var overdue = tile.QuerySelector("[data-sub='overdue']")!;
        Assert.Equal("超时未签收 2", overdue.TextContent.Trim());
        Assert.NotNull(overdue.QuerySelector("svg"));
        Assert.Contains("wall-kpi--alert", tile.ClassName);
        Assert.Equal("更新于 14:29:57", tile.QuerySelector(".wall-kpi__foot")!.TextContent.Trim()); // city time of the read
    }

    [Fact]
    public async Task OrdersTile_NothingOverdue_NoAlarm()
    {
        await using var ctx = WallFixtures.Context();

        var tile = Render(ctx, new OrderCounts(3, 1, 0), WallFixtures.Now).Find("[data-kpi='orders']");

        Assert.Null(tile.QuerySelector("[data-sub='overdue']"));
        Assert.DoesNotContain("wall-kpi--alert", tile.ClassName);
        Assert.Equal("0", tile.GetAttribute("data-overdue"));
    }

    [Fact]
    public async Task OrdersTile_NotReadYet_ShowsDashNotZero()
    {
        await using var ctx = WallFixtures.Context();

        var tile = Render(ctx, null, null).Find("[data-kpi='orders']");

        Assert.Equal("—", tile.QuerySelector(".wall-kpi__value")!.TextContent.Trim());
        Assert.Null(tile.GetAttribute("data-value"));
        Assert.Contains("加载中", tile.TextContent);
    }

    [Fact]
    public async Task OrdersTile_English_NoChinese()
    {
        await using var ctx = WallFixtures.Context(Cultures.English);

        var tile = Render(ctx, new OrderCounts(12, 5, 2), WallFixtures.Now).Find("[data-kpi='orders']");

        Assert.Contains("Active orders", tile.TextContent);
        Assert.Contains("5 awaiting", tile.TextContent);
        Assert.Contains("2 overdue", tile.TextContent);
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", tile.TextContent);
    }

    private static IRenderedComponent<KpiTiles> Render(BunitContext ctx, OrderCounts? counts, DateTimeOffset? asOf) =>
        ctx.Render<KpiTiles>(p => p.Add(t => t.Kpis, WallFixtures.Kpis()).Add(t => t.AsOf, WallFixtures.Now)
            .Add(t => t.Orders, counts).Add(t => t.OrdersAsOf, asOf));
}
