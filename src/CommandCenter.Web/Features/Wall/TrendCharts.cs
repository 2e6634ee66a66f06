using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Wall;

/// <summary>
/// A live page's two trend charts, rebuilt only when the trend's numbers (or the theme) changed, so a render that
/// did not touch them hands ApexChart the same specs and nothing is redrawn (the trend is re-read every minute;
/// each ApexCharts redraw rebuilds the whole SVG).
/// </summary>
/// <param name="wall">Text sized from the screen, for the wall.</param>
public sealed class TrendCharts(IStringLocalizer<WallStrings> l, bool wall)
{
    private SituationTrend? builtFor;
    private bool builtDark;
    private ChartSpec? trend, top;

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
