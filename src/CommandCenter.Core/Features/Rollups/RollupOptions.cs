using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Core.Features.Rollups;

/// <summary>Section "Rollups".</summary>
public sealed class RollupOptions
{
    public const string Section = "Rollups";

    /// <summary>Grid cell edge; changing it rebuilds the rollups at the next start.</summary>
    [Range(50, 10_000)] public double CellMetres { get; set; } = 500;

    /// <summary>The job looks for new events at least this often (the bus also wakes it at once).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Catch-ups start at most this often. Each recounts the cells it touches from the incidents, so in a storm
    /// (hundreds of reports a second into one 10-minute bucket) one recount per interval replaces hundreds; at the
    /// city's usual rate events arrive further apart and are counted at once.
    /// </summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Days whose incidents changed get their rate rollups recomputed this often (the heatmap's cells at once).</summary>
    public TimeSpan RatesInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Today's and yesterday's rates are recomputed this often even without events: a response window that
    /// closes unanswered turns an undecided incident into a late one with no event to say so.
    /// </summary>
    public TimeSpan RecentRatesInterval { get; set; } = TimeSpan.FromMinutes(1);
}
