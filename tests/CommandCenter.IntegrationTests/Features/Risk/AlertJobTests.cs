using System.Text.Json;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Testing;

namespace CommandCenter.IntegrationTests.Features.Risk;

/// <summary>The engine as the leader runs it, on the real clock and the real bus.</summary>
public sealed class AlertJobTests() : StartedCore(settings: new Dictionary<string, string?> { ["Risk:EvaluateInterval"] = "00:10:00" })
{
    [Fact]
    public async Task Job_RedReadingArrives_RaisesTheAlertOnTheReadingsEventNotTheTimer()
    {
        var bus = Get<EventBus>();
        var job = Get<AlertJob>();
        await bus.StartAsync(default);
        using var cts = new CancellationTokenSource();
        var run = job.RunAsync(cts.Token);
        try
        {
            await bus.Ready;
            await WaitForAsync(() => Task.FromResult(job.Evaluations >= 1));
            var feed = await Get<RiskStore>().FeedIdAsync(RiskStore.SimulatorFeed);
            var at = Get<TimeProvider>().GetUtcNow().ToString("O");

            await Get<ReadingService>().IngestAsync(feed, JsonSerializer.SerializeToElement(new
            {
                readings = new[] { new { indicator = "fire-alarms", district = "110108", at, value = 23.0 } },
            }));

            // The timer is 10 minutes away: only the readings.received wake-up can raise it.
            await WaitForAsync(async () => (await Get<RiskStore>().OpenAlertsAsync()).Count == 1);
            var alert = Assert.Single(await Get<RiskStore>().OpenAlertsAsync());
            Assert.Equal(("fire-alarms", "110108", AlertLevel.Red), (alert.IndicatorCode, alert.DistrictAdcode, alert.Level));
        }
        finally
        {
            await cts.CancelAsync();
            await run;
            await bus.StopAsync(default);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("Timed out waiting");
    }
}
