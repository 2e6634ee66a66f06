using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Web.Features.Risk;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Tests.Features.Risk;

public sealed class RiskChartsTests
{
    private static readonly IStringLocalizer<RiskStrings> L = WebTestContext.Localizer<RiskStrings>();

    [Theory]
    [InlineData(0.3, 0.5)]
    [InlineData(1.0, 1.0)]
    [InlineData(1.7, 2.0)]
    [InlineData(2.2, 2.5)]
    [InlineData(12.4, 20.0)]
    [InlineData(0.0031, 0.005)]
    public void NiceStep_IsOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen(double raw, double expected) =>
        Assert.Equal(expected, RiskCharts.NiceStep(raw), 9);

    [Fact]
    public void Series_Waterlogging_AxisOnRoundNumbersWithEveryBandAndTheWorstValuePerBucket()
    {
        var indicator = new Indicator("waterlogging-depth", RiskDomains.Safety, "道路积水深度", "Road waterlogging depth", "厘米", "cm",
            PerDistrict: true, HigherIsWorse: true, 15, 27, 40, 50, 0, 500, "beijing-drainage", Derived: false);
        var at = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
        var clock = new CityClock(TimeProvider.System, Options.Create(new CityOptions()));

        var spec = RiskCharts.Series(L, indicator, [new SeriesPoint(at, 10, 62.4, 30, 40, 3)], clock);

        Assert.Equal([62.4], spec.Series.Single().Data);
        Assert.Equal(0, spec.YMin);
        Assert.Equal(80, spec.YMax);
        Assert.Equal(4, spec.YTicks); // 0, 20, 40, 60, 80
        Assert.Equal([15.0, 27, 40, 50], spec.Bands!.Select(b => b.From).ToList());
        Assert.Equal(80, spec.Bands![^1].To);
        Assert.Equal("10:00", spec.Categories.Single());
    }
}
