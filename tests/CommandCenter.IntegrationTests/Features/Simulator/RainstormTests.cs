using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Simulator;

/// <summary>The simulated sensors and the simulated hotline during a rainstorm: their anomalies line up in the same districts.</summary>
public sealed class RainstormTests : IAsyncLifetime
{
    // Tue 2026-11-24 10:00 Beijing.
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-24T02:00:00Z");
    private static readonly string[] Hit = ["110105", "110106", "110108", "110114"];
    private readonly TestDatabase db = new();
    private readonly FakeTimeProvider time = new(Start);
    private ServiceProvider sp = default!;

    public async Task InitializeAsync()
    {
        await db.InitializeAsync();
        sp = await CoreServices.CreateStartedAsync(db.ConnectionString, new Dictionary<string, string?>
        {
            ["CommandCenter:Demo"] = "true", ["Simulator:IncidentsPerDay"] = "2000", ["Simulator:HistoryDays"] = "0", ["Simulator:SpeedUp"] = "60",
            ["Simulator:RainstormEvery"] = "00:00:00", ["Simulator:RainstormIncidentsPerHour"] = "40",
        }, s => s.AddSingleton<TimeProvider>(time));
    }

    public async Task DisposeAsync()
    {
        await sp.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Readings_NoStorm_MostlyNoneAndNothingAboveBlue()
    {
        var simulator = sp.GetRequiredService<ReadingSimulator>();
        for (var step = 0; step < 24; step++)
        {
            await simulator.PostAsync(time.GetUtcNow());
            time.Advance(TimeSpan.FromMinutes(47));
        }

        var indicators = await sp.GetRequiredService<RiskStore>().IndicatorsAsync();
        await using var conn = new NpgsqlConnection(db.ConnectionString);
        var rows = (await conn.QueryAsync<(string Code, double Value)>("select indicator_code, value from reading")).ToList();
        var levels = rows.Select(r => AlertRules.Classify(indicators[r.Code], r.Value)).ToList();
        // Every fed indicator, in every district it has (16 × 13 + 3 city-wide), at each of the 24 times.
        Assert.Equal(24 * (16 * 13 + 3), rows.Count);
        Assert.True(levels.Count(l => l == AlertLevel.None) > 0.97 * levels.Count, 
            string.Join(", ", rows.Where(r => AlertRules.Classify(indicators[r.Code], r.Value) != AlertLevel.None).CountBy(r => r.Code)));
        Assert.All(levels, l => Assert.True(l <= AlertLevel.Blue, $"{l}"));
    }

    [Fact]
    public async Task Rainstorm_AtItsPeak_WaterloggingAlertsAndRainIncidentsInTheSameDistricts()
    {
        // Started 20 minutes ago for an hour: at its peak for the whole test.
        sp.GetRequiredService<Rainstorm>().Trigger(Start.AddMinutes(-20), Hit, TimeSpan.FromHours(1));

        await sp.GetRequiredService<ReadingSimulator>().PostAsync(time.GetUtcNow());
        await RunIncidentSimulatorAsync(ticks: 40);

        await using var conn = new NpgsqlConnection(db.ConnectionString);
        var depth = (await conn.QueryAsync<(string District, double Value)>(
            "select district_adcode, value from reading where indicator_code = 'waterlogging-depth'")).ToDictionary(r => r.District, r => r.Value);
        Assert.All(Hit, d => Assert.InRange(depth[d], 35, 65));
        Assert.All(depth.Where(d => !Hit.Contains(d.Key)), d => Assert.InRange(d.Value, 0, 6));
        var congestion = (await conn.QueryAsync<(string District, double Value)>(
            "select district_adcode, value from reading where indicator_code = 'road-congestion'")).ToDictionary(r => r.District, r => r.Value);
        Assert.True(Hit.Average(d => congestion[d]) > congestion.Where(c => !Hit.Contains(c.Key)).Average(c => c.Value) + 1.5);

        // The engine raises waterlogging alerts (orange or red at these depths) exactly in the districts the storm hit.
        await sp.GetRequiredService<AlertService>().EvaluateAsync();
        var alerts = (await sp.GetRequiredService<RiskStore>().OpenAlertsAsync()).Where(a => a.IndicatorCode == "waterlogging-depth").ToList();
        Assert.Equal(Hit, alerts.Select(a => a.DistrictAdcode!).Order());
        Assert.Contains(alerts, a => a.Level >= AlertLevel.Orange);

        // And the hotline hears of it there: waterlogging, burst mains and road damage per district, hit against the rest.
        var rain = IncidentGenerator.RainCategories.Select(c => c.ServiceCode).ToArray();
        var perDistrict = (await conn.QueryAsync<(string District, int Count)>(
            "select district_adcode, count(*)::int from incident where service_code = any(@rain) group by 1", new { rain })).ToDictionary(r => r.District, r => r.Count);
        var hitRate = Hit.Average(d => perDistrict.GetValueOrDefault(d));
        var restRate = perDistrict.Where(p => !Hit.Contains(p.Key)).Sum(p => p.Value) / 12.0;
        Assert.True(hitRate >= 8, $"{hitRate} rain reports per hit district");
        Assert.True(hitRate > 5 * (restRate + 0.5), $"{hitRate} per hit district against {restRate} elsewhere");
    }

    /// <summary>Runs the incident simulator's live loop for some one-second ticks of the test clock (a simulated minute each).</summary>
    private async Task RunIncidentSimulatorAsync(int ticks)
    {
        var simulator = sp.GetServices<ILeaderJob>().OfType<IncidentSimulator>().Single();
        using var cts = new CancellationTokenSource();
        var run = simulator.RunAsync(cts.Token);
        for (var tick = 0; tick < ticks; tick++)
        {
            var before = simulator.Ticks;
            time.Advance(TimeSpan.FromSeconds(1));
            for (var attempt = 0; attempt < 5 && simulator.Ticks == before; attempt++)
            {
                for (var wait = 0; wait < 100 && simulator.Ticks == before; wait++) await Task.Delay(20);
                if (simulator.Ticks == before) time.Advance(TimeSpan.FromSeconds(1));
            }
        }
        await cts.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
