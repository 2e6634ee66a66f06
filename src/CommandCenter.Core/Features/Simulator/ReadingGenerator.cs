using CommandCenter.Core.Features.Intake;

namespace CommandCenter.Core.Features.Simulator;

/// <summary>
/// Plausible sensor values for every fed indicator (pure, from the seed and the minute): a daily rhythm inside each
/// indicator's normal band, so nearly everything stays below blue and peaks touch it now and then, plus a rainstorm's
/// effects in the districts it hits — waterlogging deep enough for orange or red, congestion up, manhole covers lifted —
/// and a lighter touch everywhere else.
/// </summary>
public sealed class ReadingGenerator(TimeZoneInfo zone, int seed)
{
    /// <summary>The normal band (value at the daily low and high) and the daily shape of each fed indicator.</summary>
    private static readonly Dictionary<string, (double Low, double High, Func<double, double> Shape, bool Count)> Profiles = new()
    {
        ["road-congestion"] = (1.8, 5.7, RushHours, false),
        ["metro-crowding"] = (25, 98, RushHours, false),
        ["water-pressure"] = (0.34, 0.25, Daytime, false),
        ["power-load"] = (52, 82, Evening, false),
        ["gas-pressure"] = (0.38, 0.27, Evening, false),
        ["heating-temperature"] = (68, 60, Night, false),
        ["fire-alarms"] = (0, 3.6, Daytime, true),
        ["gas-leak-alarms"] = (0, 0.9, Evening, true),
        ["manhole-displaced"] = (0, 1.3, Daytime, true),
        ["construction-events"] = (0, 0.08, Daytime, true),
        ["waterlogging-depth"] = (0, 0, Flat, false),
        ["hazmat-alarms"] = (0, 0.05, Daytime, true),
        ["repeated-complaints"] = (4, 16, Daytime, true),
        ["event-crowding"] = (0.2, 1.3, Evening, false),
        ["negative-opinion"] = (15, 92, Evening, true),
        ["petition-requests"] = (0, 3.4, Daytime, true),
    };

    /// <summary>One reading per series of the fed indicators at <paramref name="at"/>; heating only in the heating season.</summary>
    public IReadOnlyList<Reading> Generate(IEnumerable<Indicator> indicators, IReadOnlyList<string> districts, DateTimeOffset at, Storm? storm)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var hour = local.Hour + local.Minute / 60.0;
        var heating = BeijingProfile.IsHeatingSeason(DateOnly.FromDateTime(local.DateTime));
        var intensity = storm?.IntensityAt(at) ?? 0;
        var random = new Random(IncidentGenerator.StableSeed(seed, at.UtcTicks / TimeSpan.TicksPerMinute));
        var readings = new List<Reading>();
        foreach (var indicator in indicators.Where(i => !i.Derived).OrderBy(i => i.Code, StringComparer.Ordinal))
        {
            if (!Profiles.TryGetValue(indicator.Code, out var p) || indicator.Code == "heating-temperature" && !heating) continue;
            foreach (var district in indicator.PerDistrict ? districts.Select(d => (string?)d) : [null])
            {
                // Each district sits a little higher or lower in its band, the same every day.
                var bias = district is null ? 0 : (new Random(IncidentGenerator.StableSeed(seed, long.Parse(district) * 31 + indicator.Code.Aggregate(17, (h, c) => unchecked(h * 31 + c)))).NextDouble() - 0.5) * 0.2;
                var shape = Math.Clamp(p.Shape(hour) + bias + (random.NextDouble() - 0.5) * 0.15, 0, 1.1);
                var value = p.Low + (p.High - p.Low) * shape;
                var hit = district is not null && storm is not null && storm.Hits(district);
                value += Storm(indicator.Code, district, intensity, hit);
                if (p.Count) value = Math.Round(Math.Max(0, value + random.NextDouble() - 0.5));
                value = Math.Clamp(Math.Round(value, 3), indicator.MinValue, indicator.MaxValue);
                readings.Add(new Reading(indicator.Code, district, at, value));
            }
        }
        return readings;
    }

    /// <summary>What a storm of <paramref name="intensity"/> (0–1) adds, in and outside the districts it hits.</summary>
    private double Storm(string code, string? district, double intensity, bool hit)
    {
        if (intensity <= 0) return 0;
        // How hard the storm falls on this district: 35–65 cm of water at its peak, orange to red.
        var severity = district is null ? 0 : new Random(IncidentGenerator.StableSeed(seed, long.Parse(district))).NextDouble();
        return code switch
        {
            "waterlogging-depth" => intensity * (hit ? 35 + 30 * severity : 6),
            "road-congestion" => intensity * (hit ? 3.2 : 1),
            "manhole-displaced" => intensity * (hit ? 6 : 0.5),
            "water-pressure" => -intensity * (hit ? 0.05 : 0),
            "metro-crowding" => intensity * 15,
            _ => 0,
        };
    }

    private static double Flat(double hour) => 0;

    /// <summary>Peaks at 8 and 18 h, low at night.</summary>
    private static double RushHours(double hour) => Math.Max(Bell(hour, 8, 1.3), Bell(hour, 18, 1.6)) * 0.9 + Day(hour) * 0.25;

    private static double Daytime(double hour) => Day(hour);

    private static double Evening(double hour) => Math.Max(Bell(hour, 19.5, 2.5), Day(hour) * 0.7);

    private static double Night(double hour) => 1 - Day(hour);

    /// <summary>0 at 3 h, 1 at 15 h.</summary>
    private static double Day(double hour) => (1 - Math.Cos((hour - 3) / 24 * 2 * Math.PI)) / 2;

    private static double Bell(double hour, double centre, double width) => Math.Exp(-Math.Pow((hour - centre) / width, 2));
}
