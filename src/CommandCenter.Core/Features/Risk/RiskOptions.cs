using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Core.Features.Risk;

/// <summary>Section "Risk": the alert engine's rules and the live risk state.</summary>
public sealed class RiskOptions
{
    public const string Section = "Risk";

    /// <summary>
    /// Lowering a level needs the value to be better than that level's threshold by this fraction of the threshold
    /// (0.05: a yellow congestion alert at threshold 7 lowers only below 6.65).
    /// </summary>
    [Range(0, 0.5)] public double HysteresisMargin { get; set; } = 0.05;

    /// <summary>…and to stay so for this long: no flapping around a threshold. Raising is always immediate.</summary>
    public TimeSpan Dwell { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>A series whose latest reading is older than this is stale: its alert is kept, marked stale, never cleared.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The engine evaluates every series at least this often (dwell timers and staleness move without events).</summary>
    public TimeSpan EvaluateInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events are coalesced: at most one evaluation per this interval, however many arrive.</summary>
    public TimeSpan WakeGap { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Derived indicators are computed and stored at most this often (each store is one point of their history).</summary>
    public TimeSpan DerivedInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Hotline surge compares the last hour with the same hour of this many previous days.</summary>
    [Range(1, 28)] public int SurgeBaselineDays { get; set; } = 7;

    /// <summary>Screens are told of a new risk picture at most this often.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many districts a one-click order from a city-wide alert targets.</summary>
    [Range(1, 16)] public int CityAlertTargets { get; set; } = 3;
}
