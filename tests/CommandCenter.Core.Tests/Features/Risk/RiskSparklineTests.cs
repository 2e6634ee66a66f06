using CommandCenter.Core.Features.Risk;

namespace CommandCenter.Core.Tests.Features.Risk;

public sealed class RiskSparklineTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-26T03:00:00Z");

    private static AlertLevelHistory Alert(long id, params (double Hours, AlertLevel Level)[] changes) =>
        new(id, RiskDomains.Safety, changes.Select(c => (Start.AddHours(c.Hours), c.Level)).ToList());

    [Fact]
    public void Build_NoAlerts_AllNone()
    {
        Assert.All(RiskSparkline.Build([], Start, 24), p => Assert.Equal(AlertLevel.None, p));
    }

    [Fact]
    public void Build_AlertRaisedEscalatedCleared_EachHourHoldsTheWorstLevelOfThatHour()
    {
        var points = RiskSparkline.Build([Alert(1, (2.5, AlertLevel.Yellow), (4.25, AlertLevel.Red), (5.5, AlertLevel.Orange), (7, AlertLevel.None))], Start, 24);

        Assert.Equal(AlertLevel.None, points[1]);
        Assert.Equal(AlertLevel.Yellow, points[2]);
        Assert.Equal(AlertLevel.Yellow, points[3]);
        Assert.Equal(AlertLevel.Red, points[4]);
        Assert.Equal(AlertLevel.Red, points[5]);
        Assert.Equal(AlertLevel.Orange, points[6]);
        Assert.Equal(AlertLevel.None, points[7]);
    }

    [Fact]
    public void Build_AlertRaisedBeforeTheWindowAndStillOpen_FillsEveryHour()
    {
        var points = RiskSparkline.Build([Alert(1, (-30, AlertLevel.Blue)), Alert(2, (20.1, AlertLevel.Orange))], Start, 24);

        Assert.All(points.Take(20), p => Assert.Equal(AlertLevel.Blue, p));
        Assert.All(points.Skip(20), p => Assert.Equal(AlertLevel.Orange, p));
    }
}
