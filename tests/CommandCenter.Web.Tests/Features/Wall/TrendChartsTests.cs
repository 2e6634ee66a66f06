using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Tests.Features.Wall;

public sealed class TrendChartsTests
{
    private static readonly DateTimeOffset T0 = WallFixtures.Now;

    [Fact]
    public void Shown_NewNumbers_WaitForThisScreensDelayThenShow()
    {
        var charts = new TrendCharts(WebTestContext.Localizer<WallStrings>(), wall: true, TimeSpan.FromSeconds(20));
        var first = Trend([3, 5], T0);
        var next = Trend([3, 9], T0.AddMinutes(1));

        Assert.Same(first, charts.Shown(first, T0)); // the first trend at once: a screen never starts empty
        Assert.Same(first, charts.Shown(next, T0.AddMinutes(1)));
        Assert.Same(first, charts.Shown(next, T0.AddMinutes(1).AddSeconds(19)));
        Assert.Same(next, charts.Shown(next, T0.AddMinutes(1).AddSeconds(20)));
    }

    [Fact]
    public void Shown_NumbersChangingAgainWhileWaiting_StillShowWhenTheFirstChangeIsDue()
    {
        var charts = new TrendCharts(WebTestContext.Localizer<WallStrings>(), wall: true, TimeSpan.FromSeconds(20));
        charts.Shown(Trend([1], T0), T0);
        charts.Shown(Trend([2], T0.AddSeconds(60)), T0.AddSeconds(60));
        var latest = Trend([3], T0.AddSeconds(75));

        Assert.Same(latest, charts.Shown(latest, T0.AddSeconds(80))); // a busy city cannot keep postponing the charts
    }

    [Fact]
    public void Shown_SameNumbersReadAgain_ShowsTheNewTimeAtOnce()
    {
        var charts = new TrendCharts(WebTestContext.Localizer<WallStrings>(), wall: true, TimeSpan.FromSeconds(20));
        charts.Shown(Trend([3, 5], T0), T0);
        var reread = Trend([3, 5], T0.AddMinutes(1));

        Assert.Same(reread, charts.Shown(reread, T0.AddMinutes(1))); // the panel's "updated" time is the truth
    }

    [Fact]
    public void AnyDelay_StaysWithinTheMaximum()
    {
        var delays = Enumerable.Range(0, 200).Select(_ => TrendCharts.AnyDelay()).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TrendCharts.MaxDelay));
        Assert.True(delays.Distinct().Count() > 100, "screens get different delays");
    }

    private static SituationTrend Trend(int[] today, DateTimeOffset asOf) =>
        new(today, new int[24], [new CategoryCount("garbage", today.Sum())], asOf);
}
