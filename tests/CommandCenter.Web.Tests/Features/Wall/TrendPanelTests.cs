using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Features.Wall.Components;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Tests.Features.Wall;

public sealed class TrendPanelTests
{
    [Fact]
    public async Task TrendPanel_NoCategoryCounts_SaysSoInsteadOfAnEmptyChart()
    {
        await using var ctx = WallFixtures.Context();

        var panel = Render(ctx, new SituationTrend([0, 0, 0], new int[24], [], WallFixtures.Now));

        Assert.Equal("暂无类别统计", panel.Find("#wall-top-empty").TextContent);
        Assert.Empty(panel.FindAll("#wall-top"));
        Assert.Single(panel.FindAll("#wall-trend"));
    }

    [Fact]
    public async Task TrendPanel_TopCategories_DrawsTheChart()
    {
        await using var ctx = WallFixtures.Context();

        var panel = Render(ctx, new SituationTrend([3, 5, 2], new int[24], [new CategoryCount("garbage", 6), new CategoryCount("street-vending", 4)], WallFixtures.Now));

        Assert.Single(panel.FindAll("#wall-top"));
        Assert.Empty(panel.FindAll("#wall-top-empty"));
    }

    private static IRenderedComponent<TrendPanel> Render(BunitContext ctx, SituationTrend trend) => ctx.Render<TrendPanel>(p => p
        .Add(t => t.IdPrefix, "wall")
        .Add(t => t.Charts, new TrendCharts(WebTestContext.Localizer<WallStrings>(), wall: true))
        .Add(t => t.Names, WallFixtures.Names)
        .Add(t => t.Trend, trend));
}
