using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Web.Features.Wall.Components;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Tests.Features.Wall;

public sealed class RiskPanelTests
{
    private static readonly Indicator Waterlogging = new("waterlogging-depth", RiskDomains.Safety, "道路积水深度", "Road waterlogging depth", "厘米", "cm",
        PerDistrict: true, HigherIsWorse: true, 15, 27, 40, 50, 0, 500, "beijing-drainage", Derived: false);

    private static readonly Indicator Gas = new("gas-leak-alarms", RiskDomains.Safety, "燃气泄漏报警", "Gas leak alarms", "起/小时", "per hour",
        PerDistrict: true, HigherIsWorse: true, 2, 4, 6, 10, 0, 10000, "beijing-gas", Derived: false);

    private static RiskSnapshot Snapshot()
    {
        var alerts = new List<OpenAlert>
        {
            new(7, Waterlogging.Code, RiskDomains.Safety, "110105", AlertLevel.Red, AlertLevel.Red, 62, WallFixtures.Now.AddMinutes(-3),
                WallFixtures.Now.AddMinutes(-3), false, null, null, Stale: false, OpenOrderId: null),
            new(8, Gas.Code, RiskDomains.Safety, "110101", AlertLevel.Yellow, AlertLevel.Yellow, 4.5, WallFixtures.Now.AddMinutes(-9),
                WallFixtures.Now.AddMinutes(-9), false, null, null, Stale: false, OpenOrderId: null),
        };
        IReadOnlyList<AlertLevel> calm = Enumerable.Repeat(AlertLevel.None, 24).ToList();
        var domains = RiskDomains.All.Select(d => d == RiskDomains.Safety
            ? new DomainRisk(d, AlertLevel.Red, new LevelCounts(0, 1, 0, 1), [.. calm.Take(22), AlertLevel.Yellow, AlertLevel.Red], WallFixtures.Now.AddHours(-23))
            : new DomainRisk(d, AlertLevel.None, LevelCounts.Zero, calm, WallFixtures.Now.AddHours(-23))).ToList();
        return new RiskSnapshot(WallFixtures.Now, [Waterlogging, Gas], [], alerts, domains);
    }

    [Fact]
    public async Task RiskPanel_RedSafetyAlert_ShowsLevelInWordsCountsWorstAlertAndBars()
    {
        await using var ctx = WallFixtures.Context();

        var panel = ctx.Render<RiskPanel>(p => p.Add(r => r.Risk, Snapshot()).Add(r => r.Names, WallFixtures.Names));

        var rows = panel.FindAll("li.risk-domain");
        Assert.Equal(["operation", "safety", "social", "political"], rows.Select(r => r.GetAttribute("data-domain")).ToList());
        var safety = rows[1];
        Assert.Equal("red", safety.GetAttribute("data-level"));
        Assert.Equal("安全", safety.QuerySelector(".risk-domain__name")!.TextContent);
        Assert.Contains("红色 I级", safety.QuerySelector(".cc-level")!.TextContent);
        Assert.NotNull(safety.QuerySelector(".cc-level svg")); // an icon beside the words, never colour alone
        Assert.Equal(["红 1", "橙 0", "黄 1", "蓝 0"], safety.QuerySelectorAll(".risk-count").Select(c => c.TextContent.Trim()).ToList());
        Assert.Equal("道路积水深度 朝阳区：62 厘米", safety.QuerySelector(".risk-domain__worst")!.TextContent);
        var bars = safety.QuerySelectorAll(".cc-sparkline rect");
        Assert.Equal(24, bars.Length);
        Assert.Contains("cc-level--red", bars[^1].ClassName);
        Assert.Contains("无预警", rows[0].QuerySelector(".cc-level")!.TextContent);
        Assert.Equal("各项指标正常", rows[0].QuerySelector(".risk-domain__worst")!.TextContent);
    }

    [Fact]
    public async Task RiskPanel_English_NamesDomainsAndLevelsInEnglish()
    {
        await using var ctx = WallFixtures.Context(Cultures.English);

        var panel = ctx.Render<RiskPanel>(p => p.Add(r => r.Risk, Snapshot()).Add(r => r.Names, WallFixtures.Names));

        var safety = panel.Find("li.risk-domain[data-domain='safety']");
        Assert.Equal("Safety", safety.QuerySelector(".risk-domain__name")!.TextContent);
        Assert.Contains("Red · I", safety.QuerySelector(".cc-level")!.TextContent);
        Assert.Equal("Road waterlogging depth Chaoyang: 62 cm", safety.QuerySelector(".risk-domain__worst")!.TextContent);
        Assert.Equal("Public opinion", panel.Find("li.risk-domain[data-domain='political'] .risk-domain__name").TextContent);
    }

    [Fact]
    public async Task RiskPanel_NotLoaded_SaysLoadingNotCalm()
    {
        await using var ctx = WallFixtures.Context();

        var panel = ctx.Render<RiskPanel>(p => p.Add(r => r.Risk, RiskSnapshot.Empty).Add(r => r.Names, WallFixtures.Names));

        Assert.Empty(panel.FindAll("li.risk-domain"));
        Assert.Contains("正在载入", panel.Markup);
    }
}
