using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Risk;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Risk;

public sealed class AlertLifecycleTests() : RiskFixture(new FakeTimeProvider(Now))
{
    private const string Congestion = "road-congestion";
    private const string Dongcheng = "110101";
    private static readonly Actor Chief = new("commander");

    [Fact]
    public async Task Engine_RaiseEscalateDeEscalateClear_EachChangeOnTheBusWithItsHistory()
    {
        var bus = Get<EventBus>();
        var seen = new List<BusEvent>();
        using var subscription = bus.Subscribe(events => { lock (seen) seen.AddRange(events.Where(e => e.Kind == BusKinds.AlertChanged)); });
        await bus.StartAsync(default);
        try
        {
            await bus.Ready;

            var raised = await PostAndEvaluateAsync(Congestion, Dongcheng, 7.2);
            var id = Assert.Single(raised.ChangedAlertIds);
            await Alerts.AcknowledgeAsync(id, Chief, "已关注");
            Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal([id], (await PostAndEvaluateAsync(Congestion, Dongcheng, 9.3)).ChangedAlertIds);
            var red = await Alerts.GetAsync(id);
            Time.Advance(TimeSpan.FromMinutes(1));
            // Back in the yellow band: red is kept through the dwell (3 min), then lowered to yellow.
            Assert.Empty((await PostAndEvaluateAsync(Congestion, Dongcheng, 7.5)).ChangedAlertIds);
            Time.Advance(TimeSpan.FromMinutes(2));
            Assert.Empty((await PostAndEvaluateAsync(Congestion, Dongcheng, 7.5)).ChangedAlertIds);
            Assert.Equal(AlertLevel.Red, (await Alerts.GetAsync(id))!.Level);
            Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal([id], (await PostAndEvaluateAsync(Congestion, Dongcheng, 7.5)).ChangedAlertIds);
            Assert.Equal(AlertLevel.Yellow, (await Alerts.GetAsync(id))!.Level);
            Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Empty((await PostAndEvaluateAsync(Congestion, Dongcheng, 4)).ChangedAlertIds);
            Time.Advance(TimeSpan.FromMinutes(3));
            Assert.Equal([id], (await PostAndEvaluateAsync(Congestion, Dongcheng, 4)).ChangedAlertIds);

            var cleared = (await Alerts.GetAsync(id))!;
            Assert.False(cleared.IsOpen);
            Assert.Equal(Time.GetUtcNow(), cleared.ClearedAt);
            Assert.Equal((AlertLevel.Red, Now), (cleared.PeakLevel, cleared.RaisedAt));
            Assert.False(red!.Acknowledged); // escalation asked for a new acknowledgment
            var history = await Alerts.HistoryAsync(id);
            Assert.Equal(
                [
                    (AlertEventKind.Raised, AlertLevel.None, AlertLevel.Yellow, (double?)7.2, "system"),
                    (AlertEventKind.Acknowledged, AlertLevel.Yellow, AlertLevel.Yellow, null, "commander"),
                    (AlertEventKind.Escalated, AlertLevel.Yellow, AlertLevel.Red, 9.3, "system"),
                    (AlertEventKind.DeEscalated, AlertLevel.Red, AlertLevel.Yellow, 7.5, "system"),
                    (AlertEventKind.Cleared, AlertLevel.Yellow, AlertLevel.None, 4, "system"),
                ],
                history.Select(e => (e.Kind, e.FromLevel, e.ToLevel, e.Value, e.Actor)));
            Assert.Equal([Now, Now, Now.AddMinutes(1), Now.AddMinutes(5), Now.AddMinutes(9)], history.Select(e => e.At));

            // Every change and the acknowledgment reached the bus as alert.changed with the alert's id.
            for (var i = 0; i < 200 && Count(seen) < 5; i++) await Task.Delay(25);
            lock (seen) Assert.Equal(Enumerable.Repeat<IReadOnlyList<long>>([id], 5), seen.Select(e => e.Ids));
        }
        finally
        {
            await bus.StopAsync(default);
        }
    }

    [Fact]
    public async Task Engine_ValueOscillatingAroundAThreshold_RaisesOnceAndNeverFlaps()
    {
        for (var minute = 0; minute < 20; minute++)
        {
            await PostAndEvaluateAsync(Congestion, Dongcheng, minute % 2 == 0 ? 7.1 : 6.9);
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        var alert = Assert.Single(await Store.OpenAlertsAsync());
        Assert.Equal(AlertLevel.Yellow, alert.Level);
        Assert.Equal([AlertEventKind.Raised], (await Alerts.HistoryAsync(alert.Id)).Select(e => e.Kind));
    }

    [Fact]
    public async Task Acknowledge_Twice_IsOneAcknowledgment()
    {
        var id = Assert.Single((await PostAndEvaluateAsync("water-pressure", Dongcheng, 0.15)).ChangedAlertIds);

        var first = await Alerts.AcknowledgeAsync(id, Chief, "已通知自来水集团");
        Time.Advance(TimeSpan.FromMinutes(1));
        var second = await Alerts.AcknowledgeAsync(id, new Actor("supervisor"), "again");

        Assert.Equal(AlertLevel.Orange, first.Level); // lower is worse: 0.15 MPa is past orange's 0.16
        Assert.Equal(("commander", Now, "已通知自来水集团"), (second.AcknowledgedBy, second.AcknowledgedAt, second.AckComment));
        Assert.Single(await Alerts.HistoryAsync(id), e => e.Kind == AlertEventKind.Acknowledged);
        await Assert.ThrowsAsync<AlertNotFoundException>(() => Alerts.AcknowledgeAsync(id + 1000, Chief, null));
    }

    [Fact]
    public async Task Engine_SeriesStopsReporting_KeepsTheAlertAndMarksItStale()
    {
        var id = Assert.Single((await PostAndEvaluateAsync("waterlogging-depth", "110105", 45)).ChangedAlertIds);
        var state = Get<RiskState>();
        await state.RefreshAsync(default);
        Assert.False(Assert.Single(state.Current.Alerts).Stale);

        Time.Advance(TimeSpan.FromMinutes(31));
        var result = await Alerts.EvaluateAsync();
        await state.RefreshAsync(default);

        Assert.Empty(result.ChangedAlertIds);
        var alert = Assert.Single(state.Current.Alerts);
        Assert.Equal((id, AlertLevel.Orange, true), (alert.Id, alert.Level, alert.Stale));
        var series = Assert.Single(state.Current.Series, s => s.IndicatorCode == "waterlogging-depth");
        Assert.Equal((AlertLevel.Orange, true, 45.0), (series.Level, series.Stale, series.Value));
    }

    [Fact]
    public async Task RiskState_OpenAlerts_DomainsCarryWorstLevelCountsAndSparkline()
    {
        await PostAndEvaluateAsync(Congestion, Dongcheng, 7.2);
        await PostAndEvaluateAsync(Congestion, "110102", 8.5);
        await PostAndEvaluateAsync("waterlogging-depth", "110105", 55);
        Time.Advance(TimeSpan.FromHours(2));
        // Keep the series fresh; the waterlogging alert is cleared after its dwell.
        await PostAndEvaluateAsync(Congestion, Dongcheng, 7.2);
        await PostAndEvaluateAsync(Congestion, "110102", 8.5);
        await PostAndEvaluateAsync("waterlogging-depth", "110105", 0);
        Time.Advance(TimeSpan.FromMinutes(3));
        await PostAndEvaluateAsync("waterlogging-depth", "110105", 0);
        var state = Get<RiskState>();

        await state.RefreshAsync(default);

        var current = state.Current;
        Assert.Equal(RiskDomains.All, current.Domains.Select(d => d.Domain));
        var operation = current.Domains[0];
        Assert.Equal((AlertLevel.Orange, new LevelCounts(0, 1, 1, 0)), (operation.Worst, operation.Open));
        var safety = current.Domains[1];
        Assert.Equal((AlertLevel.None, 0), (safety.Worst, safety.Open.Total));
        Assert.Equal(24, safety.Sparkline.Count);
        // 10:00 and 11:00 held red waterlogging; it cleared at 12:03, in the current (last) hour.
        Assert.Equal([AlertLevel.Red, AlertLevel.Red, AlertLevel.Red], safety.Sparkline.TakeLast(3));
        Assert.Equal(AlertLevel.None, safety.Sparkline[^4]);
        Assert.Equal(AlertLevel.Orange, operation.Sparkline[^1]);
        Assert.Equal([AlertLevel.Orange, AlertLevel.Yellow], current.Alerts.Select(a => a.Level));
        Assert.Equal(Now.AddHours(-21), operation.SparklineStart);
    }

    [Fact]
    public async Task SeriesAsync_Readings_BucketedWithMinMaxMeanLast()
    {
        foreach (var value in new[] { 5.0, 6.0, 7.0 })
        {
            await PostAsync(Congestion, Dongcheng, value);
            Time.Advance(TimeSpan.FromMinutes(4));
        }
        await PostAsync(Congestion, Dongcheng, 9.0);
        await PostAsync(Congestion, "110102", 1.0);

        var points = await Store.SeriesAsync(Congestion, Dongcheng, Now, Now.AddHours(1), TimeSpan.FromMinutes(10));

        Assert.Equal(
            [(Now, 5.0, 7.0, 6.0, 7.0, 3), (Now.AddMinutes(10), 9.0, 9.0, 9.0, 9.0, 1)],
            points.Select(p => (p.Start, p.Min, p.Max, p.Mean, p.Last, p.Count)));
    }

    [Fact]
    public async Task BreakdownAsync_PerDistrictIndicator_LatestValueAndLevelOfEveryDistrict()
    {
        await PostAndEvaluateAsync(Congestion, Dongcheng, 9.5);
        await PostAndEvaluateAsync(Congestion, "110102", 4);

        var breakdown = await Store.BreakdownAsync(Congestion);

        Assert.Equal(16, breakdown.Count);
        Assert.Equal((9.5, AlertLevel.Red), (breakdown.Single(d => d.DistrictAdcode == Dongcheng).Value, breakdown.Single(d => d.DistrictAdcode == Dongcheng).Level));
        Assert.Equal((4.0, AlertLevel.None), (breakdown.Single(d => d.DistrictAdcode == "110102").Value, breakdown.Single(d => d.DistrictAdcode == "110102").Level));
        Assert.Null(breakdown.Single(d => d.DistrictAdcode == "110105").Value);
    }

    private static int Count(List<BusEvent> seen)
    {
        lock (seen) return seen.Count;
    }
}
