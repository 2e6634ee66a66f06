using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Core.Features.Situation;

/// <summary>Section "Situation": the live state every node keeps for the wall and the console.</summary>
public sealed class SituationOptions
{
    public const string Section = "Situation";

    /// <summary>The live state is refreshed (and screens told) at most this often, counted from the start of each refresh: a burst of 1,000 incidents is one render.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Trend and top categories are re-read from the rollups this often. Their charts count per hour, and every change
    /// redraws both charts whole on every screen (ApexCharts has no partial update: ~0.3 s of a wall's main thread,
    /// on every wall and console at the same moment), so once a minute.
    /// </summary>
    public TimeSpan TrendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The 30-day rates are re-read from the rollups this often (the rollups recompute recent days every minute).</summary>
    public TimeSpan RatesInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Disputes and compound problems are recomputed at most this often while incidents change.</summary>
    public TimeSpan ListsInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Everything is reloaded from the database this often, a safety net against drift.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(15);

    [Range(10, 5_000)] public double CompoundRadiusMetres { get; set; } = 150;

    public TimeSpan CompoundWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How many disputes and compound problems the snapshot carries, worst first.</summary>
    [Range(1, 500)] public int ListLimit { get; set; } = 50;

    /// <summary>Fewer resolved incidents of the category in the district over 90 days than this: suggest the district (区政府兜底).</summary>
    [Range(1, 1_000)] public int SuggestionMinimum { get; set; } = 10;
}
