using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Org.Pages;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Features.Org;

public sealed class CityPageTests(LoadedCity city) : IClassFixture<LoadedCity>
{
    private BunitContext Context(string culture)
    {
        var ctx = WebTestContext.Create(culture);
        ctx.Services.AddSingleton(city.Services.GetRequiredService<OrgService>());
        ctx.Services.AddSingleton(city.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CityOptions>>());
        return ctx;
    }

    [Theory]
    [InlineData(Cultures.Default, "16 个区 · 349 个街道乡镇")]
    [InlineData(Cultures.English, "16 districts · 349 street/town units")]
    public async Task CityPage_LoadedCity_SummarisesDistrictsAndUnits(string culture, string summary)
    {
        await using var ctx = Context(culture);

        var page = ctx.Render<CityPage>();

        page.WaitForAssertion(() => Assert.Contains(summary, page.Find("#city-summary").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(16, page.FindAll("#district-grid tbody tr").Count);
        Assert.NotNull(page.Find("#city-map"));
        Assert.NotNull(page.Find("#units-chart"));
    }

    [Fact]
    public async Task CityPage_MapClick_HighlightsTheDistrictRow()
    {
        await using var ctx = Context(Cultures.Default);
        var page = ctx.Render<CityPage>();
        page.WaitForElement("#district-grid");

        await page.InvokeAsync(() => page.FindComponent<CommandCenter.Web.Components.Map.LeafletMap>().Instance.DistrictClicked("110105", 116.48, 39.95, 150));

        var row = page.Find("#district-grid tbody tr.cc-row--selected");
        Assert.Contains("朝阳区", row.TextContent);
    }
}
