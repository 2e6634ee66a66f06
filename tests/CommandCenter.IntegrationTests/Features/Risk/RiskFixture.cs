using System.Text.Json;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.IntegrationTests.Features.Risk;

/// <summary>A fresh database on a test clock, with helpers that feed readings through the readings API's own path.</summary>
public abstract class RiskFixture : StartedCore
{
    // Tue 2026-11-24 10:00 Beijing.
    protected static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T02:00:00Z");

    protected RiskFixture(FakeTimeProvider time) : base(time) => Time = time;

    protected FakeTimeProvider Time { get; }

    protected AlertService Alerts => Get<AlertService>();

    protected RiskStore Store => Get<RiskStore>();

    /// <summary>Posts one reading at the test clock's now, as a sensor platform would.</summary>
    protected async Task PostAsync(string indicator, string? district, double value)
    {
        var feed = await Store.FeedIdAsync(RiskStore.SimulatorFeed);
        var at = Time.GetUtcNow().ToString("O");
        object row = district is null ? new { indicator, at, value } : new { indicator, district, at, value };
        await Get<ReadingService>().IngestAsync(feed, JsonSerializer.SerializeToElement(new { readings = new[] { row } }));
    }

    /// <summary>Posts a reading, then lets the engine evaluate.</summary>
    protected async Task<EvaluationResult> PostAndEvaluateAsync(string indicator, string? district, double value)
    {
        await PostAsync(indicator, district, value);
        return await Alerts.EvaluateAsync();
    }
}
