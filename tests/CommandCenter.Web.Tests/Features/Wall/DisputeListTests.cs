using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Wall.Components;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Tests.Features.Wall;

public sealed class DisputeListTests
{
    [Fact]
    public async Task DisputeList_Dispute_ShowsCategoryPlaceBouncesChainAndSuggestedLead()
    {
        await using var ctx = WallFixtures.Context();

        var list = ctx.Render<DisputeList>(p => p.Add(l => l.Disputes, [WallFixtures.Dispute()]).Add(l => l.Names, WallFixtures.Names).Add(l => l.Now, WallFixtures.Now));

        var item = list.Find("li.wall-dispute[data-incident='42']");
        Assert.Contains("私装地锁", item.TextContent);
        Assert.Contains("东城区 · 东华门街道", item.TextContent);
        Assert.Contains("退单 2 次", item.TextContent);
        Assert.Contains("无人签收", item.TextContent);
        Assert.Contains("已超期", item.TextContent);
        Assert.Contains("已 3天", item.TextContent);
        var chain = list.FindAll(".wall-chain__step").Select(s => (s.QuerySelector(".wall-chain__department")!.TextContent, s.QuerySelector(".wall-chain__reason")!.TextContent)).ToList();
        Assert.Equal([("公安交管局", "非本部门职责"), ("城管执法局", "属小区内部管理")], chain);
        var suggestion = list.Find(".wall-dispute__suggestion");
        Assert.Equal("city-enforcement", suggestion.GetAttribute("data-suggested"));
        Assert.Contains("城管执法局（同类办结占 62.0%）", suggestion.TextContent);
    }

    [Fact]
    public async Task DisputeList_ThinHistory_SuggestsTheDistrictGovernment()
    {
        await using var ctx = WallFixtures.Context();
        var dispute = WallFixtures.Dispute(suggestion: new SuggestedLead(null, 0, 3, DistrictFallback: true));

        var list = ctx.Render<DisputeList>(p => p.Add(l => l.Disputes, [dispute]).Add(l => l.Names, WallFixtures.Names).Add(l => l.Now, WallFixtures.Now));

        var suggestion = list.Find(".wall-dispute__suggestion");
        Assert.Equal("district", suggestion.GetAttribute("data-suggested"));
        Assert.Contains("东城区 · 区政府兜底", suggestion.TextContent);
    }

    [Fact]
    public async Task DisputeList_CitizenTextWithMarkup_IsRenderedAsText()
    {
        await using var ctx = WallFixtures.Context();
        const string hostile = "<img src=x onerror=alert(1)><b>地锁</b>";
        var dispute = WallFixtures.Dispute(description: hostile, chain: [new Bounce("traffic-police", WallFixtures.Now, "<script>alert(2)</script>")]);

        var list = ctx.Render<DisputeList>(p => p.Add(l => l.Disputes, [dispute]).Add(l => l.Names, WallFixtures.Names).Add(l => l.Now, WallFixtures.Now));

        Assert.Equal(hostile, list.Find(".wall-dispute__text").TextContent);
        Assert.Empty(list.FindAll(".wall-dispute img, .wall-dispute b, .wall-dispute script"));
        Assert.Equal("<script>alert(2)</script>", list.Find(".wall-chain__reason").TextContent);
    }

    [Fact]
    public async Task DisputeList_MoreThanMax_ShowsMaxAndCountsTheRest()
    {
        await using var ctx = WallFixtures.Context(Cultures.English);
        var disputes = Enumerable.Range(1, 5).Select(i => WallFixtures.Dispute(id: i)).ToList();

        var list = ctx.Render<DisputeList>(p => p.Add(l => l.Disputes, disputes).Add(l => l.Names, WallFixtures.Names).Add(l => l.Now, WallFixtures.Now).Add(l => l.Max, 3));

        Assert.Equal(3, list.FindAll("li.wall-dispute").Count);
        Assert.Equal("2 more", list.Find(".wall-list__more").TextContent);
        Assert.Contains("Returned 2×", list.Find("li.wall-dispute").TextContent);
        Assert.Contains("Private parking lock", list.Find("li.wall-dispute").TextContent);
    }

    [Fact]
    public async Task DisputeList_None_SaysSo()
    {
        await using var ctx = WallFixtures.Context();

        var list = ctx.Render<DisputeList>(p => p.Add(l => l.Disputes, []).Add(l => l.Names, WallFixtures.Names).Add(l => l.Now, WallFixtures.Now));

        Assert.Equal("暂无推诿事项", list.Find("#disputes-empty").TextContent);
    }
}
