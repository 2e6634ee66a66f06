using System.Text.Json;
using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Risk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Simulator;

/// <summary>
/// The demo's sensor platforms (leader only, when the simulator is on): every <see cref="SimulatorOptions.ReadingsInterval"/>
/// one reading per series of every fed indicator, posted through <see cref="ReadingService.IngestAsync"/> — the readings
/// API's own validation and storage — as the <c>system:simulator</c> feed. Rainstorms come from <see cref="Rainstorm"/>,
/// which the incident simulator follows too.
/// </summary>
public sealed class ReadingSimulator(
    ReadingService readings, RiskStore risk, OrgStore org, Rainstorm rainstorm, CityClock clock, TimeProvider time, IOptions<SimulatorOptions> options,
    ILogger<ReadingSimulator> logger) : ILeaderJob
{
    public string Name => "reading-simulator";

    public async Task RunAsync(CancellationToken leadership)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        if (o.RainstormNow && rainstorm.ActiveAt(time.GetUtcNow()) is null)
        {
            var storm = rainstorm.Trigger(time.GetUtcNow());
            logger.LogInformation("Simulated rainstorm over {Districts} until {End}", string.Join(", ", storm.Districts), storm.End);
        }
        while (!leadership.IsCancellationRequested)
        {
            try
            {
                await PostAsync(time.GetUtcNow(), leadership);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or ReadingBatchException)
            {
                logger.LogWarning(e, "Simulated readings failed; trying again at the next interval");
            }
            await Task.Delay(o.ReadingsInterval, time, leadership);
        }
    }

    /// <summary>Posts the readings of <paramref name="at"/> (whole seconds); returns how many were stored.</summary>
    public async Task<int> PostAsync(DateTimeOffset at, CancellationToken ct = default)
    {
        at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var indicators = (await readings.IndicatorsAsync(ct)).Values;
        var districts = (await org.ListDistrictsAsync(ct)).Select(d => d.Adcode).ToList();
        var values = new ReadingGenerator(clock.Zone, options.Value.Seed).Generate(indicators, districts, at, rainstorm.ActiveAt(at));
        if (values.Count == 0) return 0;
        var rows = values.Select(r => r.DistrictAdcode is null
            ? (object)new { indicator = r.IndicatorCode, at = r.At.ToString("O"), value = r.Value }
            : new { indicator = r.IndicatorCode, district = r.DistrictAdcode, at = r.At.ToString("O"), value = r.Value });
        return await readings.IngestAsync(await risk.FeedIdAsync(RiskStore.SimulatorFeed, ct), JsonSerializer.SerializeToElement(new { readings = rows }), ct);
    }
}
