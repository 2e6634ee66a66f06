using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;

namespace CommandCenter.Core.Tests.Features.Incidents;

public sealed class ThreeRateFormulasTests
{
    // November 2026 in Beijing (UTC+8) as UTC instants.
    private static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-10-31T16:00:00Z");
    private static readonly DateTimeOffset To = DateTimeOffset.Parse("2026-11-30T16:00:00Z");
    private static readonly DateTimeOffset AsOf = DateTimeOffset.Parse("2026-12-01T00:00:00Z");

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc);

    [Fact]
    public void Count_HandComputedMonth_GivesTheThreeRates()
    {
        IncidentOutcome[] incidents =
        [
            // 1. 24h tier, accepted after 1 h (window 2 h): on time. Closed in Nov: solved, satisfied.
            new(SlaTier.Hours24, At("2026-11-02T01:00Z"), At("2026-11-02T02:00Z"), At("2026-11-03T01:00Z"), true, Satisfaction.Satisfied),
            // 2. 2h tier, accepted after 45 min (window 30 min): late. Closed: not solved, unsatisfied.
            new(SlaTier.Hours2, At("2026-11-05T03:00Z"), At("2026-11-05T03:45Z"), At("2026-11-05T06:00Z"), false, Satisfaction.Unsatisfied),
            // 3. 7d tier, never accepted, window long past: late. Not closed.
            new(SlaTier.WorkingDays7, At("2026-11-10T03:00Z"), null, null, null, null),
            // 4. 15d tier, accepted after 20 h (window 24 h): on time. Closed: solved, basically satisfied.
            new(SlaTier.WorkingDays15, At("2026-11-12T00:00Z"), At("2026-11-12T20:00Z"), At("2026-11-20T00:00Z"), true, Satisfaction.BasicallySatisfied),
            // 5. Reported in October (outside the response cohort) but closed in November: solved, no satisfaction answer.
            new(SlaTier.WorkingDays7, At("2026-10-20T00:00Z"), At("2026-10-20T01:00Z"), At("2026-11-01T00:00Z"), true, null),
            // 6. Reported in November, closed in December: counts for response (on time) only.
            new(SlaTier.Hours24, At("2026-11-29T00:00Z"), At("2026-11-29T00:30Z"), At("2026-12-02T00:00Z"), false, Satisfaction.Unsatisfied),
        ];

        var counts = ThreeRateFormulas.Count(incidents, From, To, AsOf);

        // Response: cohort = 1, 2, 3, 4, 6 (5 was reported in October); on time = 1, 4, 6.
        Assert.Equal(new RateCounts(ResponseDue: 5, RespondedOnTime: 3, SolvedAnswered: 4, Solved: 3, Rated: 3, Satisfied: 2), counts);
        // Resolution: closed in Nov with an answer = 1, 2, 4, 5; solved = 1, 4, 5. Satisfaction: rated = 1, 2, 4; satisfied = 1, 4.
        Assert.Equal(0.6, counts.ResponseRate!.Value, 10);
        Assert.Equal(0.75, counts.ResolutionRate!.Value, 10);
        Assert.Equal(2.0 / 3, counts.SatisfactionRate!.Value, 10);
    }

    [Fact]
    public void Count_EmptyPeriod_HasNoRatesRatherThanZero()
    {
        var counts = ThreeRateFormulas.Count([], From, To, AsOf);

        Assert.Equal(RateCounts.Zero, counts);
        Assert.Null(counts.ResponseRate);
        Assert.Null(counts.ResolutionRate);
        Assert.Null(counts.SatisfactionRate);
    }

    [Fact]
    public void Count_WindowStillOpen_IsNotYetCounted()
    {
        var asOf = At("2026-11-15T00:10Z");
        // 2h tier reported 5 minutes ago, not yet accepted: its 30-minute window is still open.
        IncidentOutcome pending = new(SlaTier.Hours2, At("2026-11-15T00:05Z"), null, null, null, null);
        // Same, but accepted already: decided (on time) even though the window is open.
        IncidentOutcome answered = pending with { RespondedAt = At("2026-11-15T00:08Z") };

        Assert.Equal(0, ThreeRateFormulas.Count([pending], From, To, asOf).ResponseDue);
        Assert.Equal(1.0, ThreeRateFormulas.Count([pending, answered], From, To, asOf).ResponseRate);
        Assert.Equal(0.0, ThreeRateFormulas.Count([pending], From, To, At("2026-11-15T00:40Z")).ResponseRate);
    }

    [Fact]
    public void Counts_AddUpAcrossDistricts()
    {
        var a = new RateCounts(10, 9, 4, 3, 4, 4);
        var b = new RateCounts(0, 0, 6, 3, 2, 0);

        var city = a + b;

        Assert.Equal(new RateCounts(10, 9, 10, 6, 6, 4), city);
        Assert.Equal(0.9, city.ResponseRate!.Value, 10);
        Assert.Equal(0.6, city.ResolutionRate!.Value, 10);
    }

    [Theory]
    [InlineData(SlaTier.Hours2, 30)]
    [InlineData(SlaTier.Hours24, 120)]
    [InlineData(SlaTier.WorkingDays7, 1440)]
    [InlineData(SlaTier.WorkingDays15, 1440)]
    public void ResponseWindow_ByTier(SlaTier tier, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), ThreeRateFormulas.ResponseWindow(tier));
}
