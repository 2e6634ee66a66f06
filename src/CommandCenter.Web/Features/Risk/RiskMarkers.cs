using CommandCenter.Core.Features.Risk;
using CommandCenter.Web.Components.Map;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Risk;

/// <summary>
/// Map markers for the open red and orange alerts: at the district's centre (city-wide ones at the city's), stacked when
/// several share a place; red ones first, since the map moves a later label below an earlier one it would cover.
/// </summary>
public static class RiskMarkers
{
    private const double StackDegrees = 0.045;

    public static IReadOnlyList<MapMarker> For(RiskSnapshot risk, WallNames names, double[] cityCenter, IStringLocalizer<RiskStrings> l)
    {
        var centres = names.Districts.ToDictionary(d => d.Adcode, d => d.Center);
        var indicators = risk.Indicators.ToDictionary(i => i.Code);
        return risk.Alerts
            .Where(a => a.Level >= AlertLevel.Orange)
            .GroupBy(a => a.DistrictAdcode ?? "")
            .SelectMany(place => place.OrderByDescending(a => a.Level).ThenBy(a => a.RaisedAt).Select((a, i) => (a.Level, Marker: Marker(a, i))))
            .OrderByDescending(m => m.Level)
            .Select(m => m.Marker)
            .ToList();

        MapMarker Marker(OpenAlert a, int i)
        {
            var (lon, lat) = a.DistrictAdcode is { } d && centres.TryGetValue(d, out var c) ? (c.Lon, c.Lat) : (cityCenter[0], cityCenter[1]);
            var name = indicators.TryGetValue(a.IndicatorCode, out var indicator) ? RiskFormat.Indicator(indicator) : a.IndicatorCode;
            // The district is named too: where labels crowd, the map moves words away from their pins.
            var where = a.DistrictAdcode is { } district ? names.District(district) : l["City"].Value;
            return new MapMarker($"alert-{a.Id}", lon, lat - i * StackDegrees, $"{RiskFormat.Level(l, a.Level)} {name} {where}",
                a.Level.ToString().ToLowerInvariant());
        }
    }
}
