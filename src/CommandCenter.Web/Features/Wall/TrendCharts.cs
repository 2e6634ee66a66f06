using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Wall;

/// <summary>
/// A live page's two trend charts, rebuilt only when the trend's numbers (or the theme) changed, so a render that
/// did not touch them hands ApexChart the same specs and nothing is redrawn (the trend is re-read every minute;
/// each ApexCharts redraw rebuilds the whole SVG, ~0.1–0.3 s of the page's main thread).
/// </summary>
/// <param name="wall">Text sized from the screen, for the wall.</param>
/// <param name="delay">
/// How long this screen waits before it shows new numbers (<see cref="AnyDelay"/>). Every screen on a node gets the
/// new trend at the same moment; screens that share a PC (a wall controller driving several outputs, a console beside
/// a wall) would all redraw in the same second, and for that second show nothing new anywhere else.
/// </param>
public sealed class TrendCharts(IStringLocalizer<WallStrings> l, bool wall, TimeSpan delay = default)
{
    /// <summary>The longest a screen waits: the charts count per hour, half a minute changes nothing a reader can see.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private SituationTrend? shown, builtFor;
    private DateTimeOffset? changedAt;
    private bool builtDark;
    private ChartSpec? trend, top;

    /// <summary>A delay for a new screen, anywhere up to <see cref="MaxDelay"/>.</summary>
    public static TimeSpan AnyDelay() => MaxDelay * Random.Shared.NextDouble();

    /// <summary>
    /// The trend this screen shows (its charts, its "updated" time): <paramref name="latest"/> once this screen's delay
    /// has passed since its numbers changed; at once the first time, and when only its time moved.
    /// </summary>
    public SituationTrend Shown(SituationTrend latest, DateTimeOffset now)
    {
        if (shown is null || SameNumbers(shown, latest) || now - (changedAt ??= now) >= delay)
        {
            shown = latest;
            changedAt = null;
        }
        return shown;
    }

    public ChartSpec Trend(WallNames names, SituationTrend current, bool dark) => Build(names, current, dark).Trend;

    public ChartSpec Top(WallNames names, SituationTrend current, bool dark) => Build(names, current, dark).Top;

    private (ChartSpec Trend, ChartSpec Top) Build(WallNames names, SituationTrend current, bool dark)
    {
        if (builtFor is null || !SameNumbers(builtFor, current) || builtDark != dark || trend is null || top is null)
        {
            (builtFor, builtDark) = (current, dark);
            trend = SituationVisuals.TrendChart(l, current, dark, wall);
            top = SituationVisuals.TopChart(l, names, current, dark, wall);
        }
        return (trend, top);
    }

    private static bool SameNumbers(SituationTrend a, SituationTrend b) =>
        ReferenceEquals(a, b) || (a.Today.SequenceEqual(b.Today) && a.LastWeek.SequenceEqual(b.LastWeek) && a.TopCategories.SequenceEqual(b.TopCategories));
}
