using System.Globalization;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Risk;

/// <summary>An indicator's chart: the worst value of each bucket over the four threshold bands in the national colours.</summary>
public static class RiskCharts
{
    private static readonly (AlertLevel Level, string Color)[] Bands =
        [(AlertLevel.Blue, "#1f6fe5"), (AlertLevel.Yellow, "#ffd21f"), (AlertLevel.Orange, "#ff8a00"), (AlertLevel.Red, "#e8262a")];

    public static ChartSpec Series(IStringLocalizer<RiskStrings> l, Indicator indicator, IReadOnlyList<SeriesPoint> points, CityClock clock)
    {
        // The bucket's worst value, so a short spike past a threshold is not averaged away.
        var values = points.Select(p => Math.Round(indicator.HigherIsWorse ? p.Max : p.Min, 3)).ToList();
        var thresholds = new[] { indicator.Blue, indicator.Yellow, indicator.Orange, indicator.Red };
        var all = values.Concat(thresholds).ToList();
        var span = Math.Max(all.Max() - all.Min(), Math.Abs(indicator.Red) * 0.1 + 1e-6);
        var (low, high) = (Math.Max(indicator.MinValue, all.Min() - span * 0.15), Math.Min(indicator.MaxValue, all.Max() + span * 0.15));
        // Round numbers on the axis (0, 20, 40 … rather than 8, 20, 33 …).
        var step = NiceStep((high - low) / 5);
        (low, high) = (Math.Floor(low / step) * step, Math.Ceiling(high / step) * step);
        var bands = Bands.Select((b, i) =>
        {
            // Each band runs from its threshold to the next worse one (the red band to the axis' end).
            var edge = i + 1 < Bands.Length ? thresholds[i + 1] : indicator.HigherIsWorse ? high : low;
            var (from, to) = indicator.HigherIsWorse ? (thresholds[i], edge) : (edge, thresholds[i]);
            return new ChartBand(from, to, b.Color, RiskFormat.Level(l, b.Level));
        }).ToList();
        return new ChartSpec("line",
            points.Select(p => clock.ToLocal(p.Start).ToString("HH:mm", CultureInfo.InvariantCulture)).ToList(),
            [new ChartSeries(RiskFormat.Indicator(indicator), values)],
            Height: 320, Colors: ["#4da3ff"], LabelEvery: Math.Max(1, points.Count / 12), Bands: bands, YMin: low, YMax: high,
            YDecimals: Math.Max(RiskFormat.Decimals(indicator), Math.Max(0, -(int)Math.Floor(Math.Log10(step)))), YTicks: (int)Math.Round((high - low) / step));
    }

    /// <summary>1, 2, 2.5 or 5 times a power of ten, the smallest at least <paramref name="raw"/>.</summary>
    public static double NiceStep(double raw)
    {
        if (!(raw > 0)) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var f = raw / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * power;
    }
}
