using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Core.Features.Simulator;

/// <summary>Section "Simulator": the demo's synthetic city. <see cref="Enabled"/> defaults to <c>CommandCenter:Demo</c>.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    public bool Enabled { get; set; }

    /// <summary>About 24 M a year, Beijing 12345's volume.</summary>
    [Range(1, 10_000_000)] public double IncidentsPerDay { get; set; } = 66_000;

    /// <summary>
    /// How much faster than real time the simulated day runs: the daily rhythm and every lifecycle step. The database
    /// still records real times (reported, accepted, resolved, closed), so above 1 the recorded lifecycles are shorter
    /// than their due times allow and fewer incidents end overdue than at 1.
    /// </summary>
    [Range(1, 60)] public double SpeedUp { get; set; } = 1;

    public int Seed { get; set; } = 12345;

    /// <summary>
    /// Days of history written on the first start (when the incident table is empty); 0 writes none. 3, not 7: at the
    /// full rate 7 days are 2.9 M rows, ~66 s on the 2-core machine, over the 60 s first-start budget.
    /// </summary>
    [Range(0, 60)] public int HistoryDays { get; set; } = 3;

    /// <summary>
    /// Real time over which a new leader spreads the lifecycle steps that fell due while nobody led (overdue at resume),
    /// instead of taking them all in its first tick.
    /// </summary>
    public TimeSpan ResumeSpread { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Real time between live ticks.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Real time between simulated sensor readings (every fed risk indicator, in every district it has).</summary>
    public TimeSpan ReadingsInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A rainstorm starts once in every this much real time (when, and where, from the seed); zero: none.</summary>
    public TimeSpan RainstormEvery { get; set; } = TimeSpan.FromHours(6);

    public TimeSpan RainstormDuration { get; set; } = TimeSpan.FromMinutes(45);

    /// <summary>How many districts a rainstorm hits.</summary>
    [Range(1, 16)] public int RainstormDistricts { get; set; } = 4;

    /// <summary>Starts a rainstorm as soon as the simulator leads (for a demo).</summary>
    public bool RainstormNow { get; set; }

    /// <summary>Extra reports per hit district per simulated hour at the storm's peak: waterlogging, burst water mains, road damage.</summary>
    [Range(0, 10_000)] public double RainstormIncidentsPerHour { get; set; } = 40;
}
