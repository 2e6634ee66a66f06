using CommandCenter.Web.Features.Org.Components;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Tests.Features.Org;

public sealed class DistrictGridTests(LoadedCity city) : IClassFixture<LoadedCity>
{
    [Theory]
    [InlineData(Cultures.Default, "中文名称", "街道")]
    [InlineData(Cultures.English, "Chinese name", "Subdistricts")]
    public async Task DistrictGrid_BeijingDistricts_Renders16RowsWithZhAndEnNames(string culture, string nameHeader, string subdistrictHeader)
    {
        await using var ctx = WebTestContext.Create(culture);

        var grid = ctx.Render<DistrictGrid>(p => p.Add(g => g.Items, city.Districts));

        var rows = grid.FindAll("#district-grid tbody tr");
        Assert.Equal(16, rows.Count);
        var dongcheng = rows.Single(r => r.TextContent.Contains("110101"));
        Assert.Contains("东城区", dongcheng.TextContent);
        Assert.Contains("Dongcheng", dongcheng.TextContent);
        var headers = grid.FindAll("#district-grid thead th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Contains(nameHeader, headers);
        Assert.Contains(subdistrictHeader, headers);
    }

    [Fact]
    public async Task DistrictGrid_RowClick_SelectsThatDistrict()
    {
        await using var ctx = WebTestContext.Create();
        string? selected = null;

        var grid = ctx.Render<DistrictGrid>(p => p
            .Add(g => g.Items, city.Districts)
            .Add(g => g.OnSelect, adcode => selected = adcode));
        grid.FindAll("#district-grid tbody tr").Single(r => r.TextContent.Contains("海淀区")).Click();

        Assert.Equal("110108", selected);
    }
}
