using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Wall.Components;

namespace CommandCenter.Web.Tests.Features.Wall;

public sealed class CompoundListTests
{
    [Fact]
    public async Task CompoundList_Problem_ShowsPlaceDepartmentsCountAndAge()
    {
        await using var ctx = WallFixtures.Context();
        var problem = new CompoundProblem(new GeoPoint(116.45, 39.91), "110105", "110105001", [7, 8, 9],
            ["garbage", "street-vending", "streetlight-out"], ["city-enforcement", "city-management"], WallFixtures.Now.AddHours(-5));

        var list = ctx.Render<CompoundList>(p => p.Add(l => l.Compounds, [problem]).Add(l => l.Names, WallFixtures.Names).Add(l => l.Now, WallFixtures.Now));

        var item = list.Find("li.wall-compound");
        Assert.Equal(("3", "2"), (item.GetAttribute("data-incidents"), item.GetAttribute("data-departments")));
        Assert.Equal("建外街道", item.QuerySelector(".wall-item__title")!.TextContent);
        Assert.Equal("朝阳区", item.QuerySelector(".wall-item__place")!.TextContent);
        Assert.Contains("3 件诉求", item.TextContent);
        Assert.Contains("涉及 2 个部门", item.TextContent);
        Assert.Contains("已 5小时", item.TextContent);
        Assert.Equal(["城管执法局", "城管委"], item.QuerySelectorAll(".wall-tag").Select(t => t.TextContent).ToList());
        Assert.Equal("垃圾堆放 · 占道经营 · 路灯不亮", item.QuerySelector(".wall-compound__categories")!.TextContent);
    }

    [Fact]
    public async Task CompoundList_None_SaysSo()
    {
        await using var ctx = WallFixtures.Context();

        var list = ctx.Render<CompoundList>(p => p.Add(l => l.Compounds, []).Add(l => l.Names, WallFixtures.Names).Add(l => l.Now, WallFixtures.Now));

        Assert.Equal("暂无综合问题", list.Find("#compounds-empty").TextContent);
    }
}
