using Microsoft.Extensions.Options;

namespace CommandCenter.Core.Features.Simulator;

/// <summary>A rainstorm over some districts in [<see cref="Start"/>, <see cref="End"/>) of real time.</summary>
public sealed record Storm(DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<string> Districts)
{
    /// <summary>0 outside the storm; rises over its first quarter to 1, holds, and falls over its last quarter.</summary>
    public double IntensityAt(DateTimeOffset at)
    {
        if (at < Start || at >= End) return 0;
        var ramp = (End - Start) / 4;
        return Math.Min(1, Math.Min((at - Start) / ramp, (End - at) / ramp));
    }

    public bool Hits(string districtAdcode) => Districts.Contains(districtAdcode);
}

/// <summary>
/// The demo's rainstorms, shared by the reading and incident simulators so their anomalies line up: one storm in every
/// <see cref="SimulatorOptions.RainstormEvery"/> of real time, its start and districts from the seed and its period
/// only (the same on every leader), plus one started on demand (<see cref="Trigger"/>, or <see cref="SimulatorOptions.RainstormNow"/>).
/// </summary>
public sealed class Rainstorm(IOptions<SimulatorOptions> options)
{
    private static readonly string[] Districts = [.. BeijingProfile.DistrictPopulation.Keys.Order(StringComparer.Ordinal)];
    private readonly Lock gate = new();
    private Storm? triggered;

    /// <summary>Starts a storm at <paramref name="at"/> (over the districts given, or as many as configured from the seed).</summary>
    public Storm Trigger(DateTimeOffset at, IReadOnlyList<string>? districts = null, TimeSpan? duration = null)
    {
        var o = options.Value;
        var storm = new Storm(at, at + (duration ?? o.RainstormDuration), districts ?? Pick(IncidentGenerator.StableSeed(o.Seed, at.UtcTicks), o.RainstormDistricts));
        lock (gate) triggered = storm;
        return storm;
    }

    /// <summary>The storm under way at <paramref name="at"/>, if any: the triggered one first, else the scheduled one.</summary>
    public Storm? ActiveAt(DateTimeOffset at)
    {
        Storm? manual;
        lock (gate) manual = triggered;
        if (manual is not null && manual.IntensityAt(at) > 0) return manual;
        return Scheduled(at) is { } storm && storm.IntensityAt(at) > 0 ? storm : null;
    }

    /// <summary>The scheduled storm of the period holding <paramref name="at"/> (null when storms are off).</summary>
    public Storm? Scheduled(DateTimeOffset at)
    {
        var o = options.Value;
        if (o.RainstormEvery <= TimeSpan.Zero || o.RainstormDuration >= o.RainstormEvery) return null;
        var slot = at.UtcTicks / o.RainstormEvery.Ticks;
        var random = new Random(IncidentGenerator.StableSeed(o.Seed ^ 0x5241494E, slot)); // "RAIN"
        var start = new DateTimeOffset(slot * o.RainstormEvery.Ticks, TimeSpan.Zero)
            .AddTicks((long)(random.NextDouble() * (o.RainstormEvery - o.RainstormDuration).Ticks));
        return new Storm(start, start + o.RainstormDuration, Pick(random.Next(), o.RainstormDistricts));
    }

    private static IReadOnlyList<string> Pick(int seed, int count)
    {
        var random = new Random(seed);
        return Districts.OrderBy(_ => random.Next()).Take(Math.Min(count, Districts.Length)).Order(StringComparer.Ordinal).ToList();
    }
}
