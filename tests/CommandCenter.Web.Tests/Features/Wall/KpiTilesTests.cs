using CommandCenter.Core.Features.Incidents;
using CommandCenter.Web.Features.Wall.Components;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Tests.Features.Wall;

public sealed class KpiTilesTests
{
    [Fact]
    public async Task KpiTiles_Snapshot_RenderRawValuesAndReadableNumbers()
    {
        await using var ctx = WallFixtures.Context();
        // Response 45/50 = 90 %, resolution 2/3, satisfaction 7/8.
        var rates = new RateCounts(ResponseDue: 50, RespondedOnTime: 45, SolvedAnswered: 3, Solved: 2, Rated: 8, Satisfied: 7);

        var tiles = ctx.Render<KpiTiles>(p => p.Add(t => t.Kpis, WallFixtures.Kpis(rates)).Add(t => t.AsOf, WallFixtures.Now));

        Assert.Equal("1234", Tile(tiles, "reported-today").GetAttribute("data-value"));
        Assert.Equal("5678", Tile(tiles, "open").GetAttribute("data-value"));
        Assert.Equal("91", Tile(tiles, "overdue").GetAttribute("data-value"));
        Assert.Equal("5,678", Tile(tiles, "open").QuerySelector(".wall-kpi__value")!.TextContent);
        Assert.Contains("未办结", Tile(tiles, "open").TextContent);
        Assert.Contains("更新于 14:30:00", Tile(tiles, "open").TextContent); // city time, not UTC
        Assert.Equal("0.9", Tile(tiles, "response-rate").GetAttribute("data-value"));
        Assert.Equal("90.0%", Value(tiles, "response-rate"));
        Assert.Equal("66.7%", Value(tiles, "resolution-rate"));
        Assert.Equal("87.5%", Value(tiles, "satisfaction-rate"));
        // Overdue carries an icon and its text, not only a colour.
        Assert.Contains("wall-kpi--alert", Tile(tiles, "overdue").ClassName);
        Assert.Contains("超期", Tile(tiles, "overdue").TextContent);
        Assert.NotNull(Tile(tiles, "overdue").QuerySelector("svg"));
    }

    [Fact]
    public async Task KpiTiles_NoRates_ShowDashNotZero()
    {
        await using var ctx = WallFixtures.Context();

        var tiles = ctx.Render<KpiTiles>(p => p.Add(t => t.Kpis, WallFixtures.Kpis(RateCounts.Zero)).Add(t => t.AsOf, WallFixtures.Now));

        foreach (var rate in new[] { "response-rate", "resolution-rate", "satisfaction-rate" })
        {
            Assert.Equal("—", Value(tiles, rate));
            Assert.Null(Tile(tiles, rate).GetAttribute("data-value"));
        }
        // Orders come with dispatch: the tile is there, with no number made up.
        Assert.Equal("—", Value(tiles, "orders"));
        Assert.Null(Tile(tiles, "orders").GetAttribute("data-value"));
    }

    [Fact]
    public async Task KpiTiles_English_LabelsInEnglish()
    {
        await using var ctx = WallFixtures.Context(Cultures.English);

        var tiles = ctx.Render<KpiTiles>(p => p.Add(t => t.Kpis, WallFixtures.Kpis()).Add(t => t.AsOf, WallFixtures.Now));

        Assert.Contains("Reported today", Tile(tiles, "reported-today").TextContent);
        Assert.Contains("Satisfaction rate", Tile(tiles, "satisfaction-rate").TextContent);
        Assert.DoesNotContain("未办结", tiles.Markup);
    }

    [Theory]
    [InlineData(1.0, "100%")]
    [InlineData(0.99996, "99.9%")]
    [InlineData(0.0, "0%")]
    [InlineData(0.1234, "12.3%")]
    public void Percent_NeverRoundsUpToPerfection(double ratio, string expected) => Assert.Equal(expected, KpiTiles.Percent(ratio));

    private static AngleSharp.Dom.IElement Tile(IRenderedComponent<KpiTiles> tiles, string kpi) => tiles.Find($"[data-kpi='{kpi}']");

    private static string Value(IRenderedComponent<KpiTiles> tiles, string kpi) => Tile(tiles, kpi).QuerySelector(".wall-kpi__value")!.TextContent.Trim();
}
