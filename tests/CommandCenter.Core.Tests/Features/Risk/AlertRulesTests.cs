using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Risk;

namespace CommandCenter.Core.Tests.Features.Risk;

public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-27T02:00:00Z");
    private static readonly TimeSpan Dwell = TimeSpan.FromMinutes(3);
    private const double Margin = 0.05;

    // As in sql/0014: congestion is worse when higher (6 / 7 / 8 / 9), water pressure when lower (0.20 / 0.18 / 0.16 / 0.14 MPa).
    private static readonly Indicator Congestion = new("road-congestion", "operation", "道路交通拥堵指数", "Road congestion index", "", "", true, true,
        6, 7, 8, 9, 0, 10, "transport", false);
    private static readonly Indicator WaterPressure = new("water-pressure", "operation", "供水管网压力", "Water supply pressure", "MPa", "MPa", true, false,
        0.20, 0.18, 0.16, 0.14, 0, 1.6, "beijing-waterworks", false);

    [Theory]
    [InlineData(5.99, AlertLevel.None)]
    [InlineData(6, AlertLevel.Blue)]
    [InlineData(7.5, AlertLevel.Yellow)]
    [InlineData(8, AlertLevel.Orange)]
    [InlineData(9.7, AlertLevel.Red)]
    public void Classify_HigherIsWorse_LevelReachedAtItsThreshold(double value, AlertLevel expected) =>
        Assert.Equal(expected, AlertRules.Classify(Congestion, value));

    [Theory]
    [InlineData(0.25, AlertLevel.None)]
    [InlineData(0.20, AlertLevel.Blue)]
    [InlineData(0.17, AlertLevel.Yellow)]
    [InlineData(0.15, AlertLevel.Orange)]
    [InlineData(0.14, AlertLevel.Red)]
    [InlineData(0.02, AlertLevel.Red)]
    public void Classify_LowerIsWorse_LevelReachedAtItsThreshold(double value, AlertLevel expected) =>
        Assert.Equal(expected, AlertRules.Classify(WaterPressure, value));

    [Fact]
    public void Next_CrossingUpwards_RaisesAtOnceEvenPastSeveralLevels()
    {
        var next = AlertRules.Next(Congestion, SeriesLevel.None, 9.1, T0, Margin, Dwell);

        Assert.Equal(new SeriesLevel(AlertLevel.Red), next);
    }

    [Fact]
    public void Next_BackBelowThresholdButInsideMargin_KeepsTheLevel()
    {
        // Yellow at 7; lowering needs a value below 7 − 5 % = 6.65.
        var held = new SeriesLevel(AlertLevel.Yellow);

        var next = AlertRules.Next(Congestion, held, 6.8, T0, Margin, Dwell);
        var later = AlertRules.Next(Congestion, next, 6.7, T0 + TimeSpan.FromHours(1), Margin, Dwell);

        Assert.Equal(held, next);
        Assert.Equal(held, later);
    }

    [Fact]
    public void Next_ClearOfTheMargin_LowersOnlyAfterTheDwell()
    {
        var held = new SeriesLevel(AlertLevel.Yellow);

        var first = AlertRules.Next(Congestion, held, 6.6, T0, Margin, Dwell);
        var before = AlertRules.Next(Congestion, first, 6.6, T0 + Dwell - TimeSpan.FromSeconds(1), Margin, Dwell);
        var after = AlertRules.Next(Congestion, before, 6.6, T0 + Dwell, Margin, Dwell);

        Assert.Equal(AlertLevel.Yellow, first.Level);
        Assert.Equal((AlertLevel?)AlertLevel.Blue, first.PendingLevel);
        Assert.Equal(AlertLevel.Yellow, before.Level);
        Assert.Equal(new SeriesLevel(AlertLevel.Blue), after);
    }

    [Fact]
    public void Next_ValueWorsensDuringTheDwell_RestartsIt()
    {
        var pending = AlertRules.Next(Congestion, new SeriesLevel(AlertLevel.Yellow), 5, T0, Margin, Dwell);

        var back = AlertRules.Next(Congestion, pending, 6.9, T0 + TimeSpan.FromMinutes(2), Margin, Dwell);
        var clearAgain = AlertRules.Next(Congestion, back, 5, T0 + TimeSpan.FromMinutes(4), Margin, Dwell);
        var stillWaiting = AlertRules.Next(Congestion, clearAgain, 5, T0 + TimeSpan.FromMinutes(6), Margin, Dwell);
        var lowered = AlertRules.Next(Congestion, stillWaiting, 5, T0 + TimeSpan.FromMinutes(7), Margin, Dwell);

        Assert.Equal(new SeriesLevel(AlertLevel.Yellow), back);
        Assert.Equal(AlertLevel.Yellow, stillWaiting.Level);
        Assert.Equal(new SeriesLevel(AlertLevel.None), lowered);
    }

    [Fact]
    public void Next_DwellWithMixedValues_LowersToTheWorstLevelAllowedMeanwhile()
    {
        // Red held; over the dwell the value visits the blue band once, then falls to nothing.
        var state = new SeriesLevel(AlertLevel.Red);
        state = AlertRules.Next(Congestion, state, 3, T0, Margin, Dwell);
        state = AlertRules.Next(Congestion, state, 6.2, T0 + TimeSpan.FromMinutes(1), Margin, Dwell);
        state = AlertRules.Next(Congestion, state, 3, T0 + Dwell, Margin, Dwell);

        Assert.Equal(new SeriesLevel(AlertLevel.Blue), state);
    }

    [Fact]
    public void Next_LowerIsWorse_NeedsTheValueAboveThresholdPlusMarginToLower()
    {
        // Orange at 0.16 MPa: clear of orange above 0.168.
        var held = new SeriesLevel(AlertLevel.Orange);

        var inside = AlertRules.Next(WaterPressure, held, 0.165, T0, Margin, Dwell);
        var insideLater = AlertRules.Next(WaterPressure, inside, 0.165, T0 + Dwell * 2, Margin, Dwell);
        var clear = AlertRules.Next(WaterPressure, held, 0.17, T0, Margin, Dwell);
        var lowered = AlertRules.Next(WaterPressure, clear, 0.17, T0 + Dwell, Margin, Dwell);
        var worse = AlertRules.Next(WaterPressure, held, 0.13, T0, Margin, Dwell);

        Assert.Equal(held, insideLater);
        Assert.Equal(new SeriesLevel(AlertLevel.Yellow), lowered);
        Assert.Equal(new SeriesLevel(AlertLevel.Red), worse);
    }

    [Fact]
    public void Next_ValueOscillatingAroundAThreshold_NeverFlaps()
    {
        // Congestion swinging 6.9 ↔ 7.1 around yellow's 7, a reading a minute for an hour: raised once, never lowered.
        var state = SeriesLevel.None;
        var levels = new List<AlertLevel>();
        for (var minute = 0; minute < 60; minute++)
        {
            state = AlertRules.Next(Congestion, state, minute % 2 == 0 ? 7.1 : 6.9, T0.AddMinutes(minute), Margin, Dwell);
            levels.Add(state.Level);
        }

        Assert.All(levels, l => Assert.Equal(AlertLevel.Yellow, l));
    }

    [Fact]
    public void Release_HigherIsWorse_IsTheHighestLevelNotClearedByTheMargin()
    {
        Assert.Equal(AlertLevel.Yellow, AlertRules.Release(Congestion, 6.8, Margin));
        Assert.Equal(AlertLevel.Blue, AlertRules.Release(Congestion, 6.6, Margin));
        Assert.Equal(AlertLevel.None, AlertRules.Release(Congestion, 5.6, Margin));
        Assert.Equal(AlertLevel.Blue, AlertRules.Release(Congestion, 5.8, Margin));
    }
}
