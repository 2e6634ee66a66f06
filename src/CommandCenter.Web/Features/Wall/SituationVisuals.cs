using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Components.Map;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Wall;

/// <summary>The map layers and charts of the live picture, built the same way for the wall (dark) and the console.</summary>
internal static class SituationVisuals
{
    /// <summary>
    /// District outlines shaded by open incidents. Returns <paramref name="previous"/> itself when nothing it draws
    /// changed, so the map is restyled only on a real change.
    /// </summary>
    public static MapLayers DistrictLayers(WallNames names, IReadOnlyList<DistrictLoad> loads, bool dark, MapLayers? previous,
        string? focus = null, IReadOnlyList<MapPoint>? points = null)
    {
        var values = names.Districts.ToDictionary(d => d.Adcode, d => 0.0);
        foreach (var d in loads) values[d.DistrictAdcode] = d.Open;
        if (previous is not null && previous.Dark == dark && previous.Focus == focus && ReferenceEquals(previous.Points, points)
            && previous.Values.OrderBy(v => v.Key).SequenceEqual(values.OrderBy(v => v.Key)))
            return previous;
        var labels = previous?.Labels ?? names.Districts.ToDictionary(d => d.Adcode, d => names.District(d.Adcode));
        return new MapLayers("geo/" + CityPackFile.DistrictsFileName, labels, values, dark, focus, points);
    }

    public static MapHeat Heat(IReadOnlyList<Core.Features.Rollups.HeatCell> cells) =>
        new(cells.Select(c => new HeatPoint($"{c.Cell.X}:{c.Cell.Y}", c.Centre.Lon, c.Centre.Lat, c.Count)).ToList());

    /// <summary>Today per hour (columns) against the same day last week (dashed line). <paramref name="wall"/>: text sized from the screen.</summary>
    public static ChartSpec TrendChart(IStringLocalizer<WallStrings> l, SituationTrend trend, bool dark, bool wall)
    {
        var hours = Enumerable.Range(0, 24).Select(h => l["Trend.Hour", h].Value).ToList();
        return new ChartSpec("line", hours,
        [
            new(l["Trend.Today"], trend.Today.Select(v => (double)v).ToList(), Type: "column"),
            new(l["Trend.LastWeek"], trend.LastWeek.Select(v => (double)v).ToList(), Type: "line", Dash: 6),
        ], Colors: dark ? ["#3d8fe0", "#f2b84b"] : ["#1f5fa8", "#e39400"], Dark: dark, Fill: true, ScaleText: wall, LabelEvery: 3);
    }

    /// <summary>Today's most reported categories, as horizontal bars.</summary>
    public static ChartSpec TopChart(IStringLocalizer<WallStrings> l, WallNames names, SituationTrend trend, bool dark, bool wall)
    {
        var top = trend.TopCategories.Take(6).ToList();
        return new ChartSpec("bar", top.Select(c => names.Category(c.ServiceCode)).ToList(),
            [new(l["Trend.Count"], top.Select(c => (double)c.Count).ToList())],
            Horizontal: true, Colors: [dark ? "#2fb3a0" : "#1b8a7a"], Dark: dark, Fill: true, ScaleText: wall, ValueLabels: true);
    }
}
