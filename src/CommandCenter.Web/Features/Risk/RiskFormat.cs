using System.Globalization;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CommandCenter.Web.Features.Risk;

/// <summary>How risk reads on every screen: a level is always colour, icon and words (红色 I级), never colour alone.</summary>
public static class RiskFormat
{
    public static string Level(IStringLocalizer<RiskStrings> l, AlertLevel level) => l[$"Level.{level}"];

    public static string LevelShort(IStringLocalizer<RiskStrings> l, AlertLevel level) => l[$"LevelShort.{level}"];

    /// <summary>The CSS modifier carrying the national colour: cc-level--red.</summary>
    public static string LevelClass(AlertLevel level) => $"cc-level--{level.ToString().ToLowerInvariant()}";

    public static string Icon(AlertLevel level) => level switch
    {
        AlertLevel.Red => Icons.Material.Filled.Report,
        AlertLevel.Orange => Icons.Material.Filled.Warning,
        AlertLevel.Yellow => Icons.Material.Filled.ReportProblem,
        AlertLevel.Blue => Icons.Material.Filled.Info,
        _ => Icons.Material.Filled.CheckCircle,
    };

    public static string Domain(IStringLocalizer<RiskStrings> l, string domain) => l[$"Domain.{domain}"];

    public static string Indicator(Indicator indicator) => Cultures.Pick(indicator.NameZh, indicator.NameEn);

    /// <summary>A value with its unit, with as many decimals as the indicator's thresholds use (0.16 MPa, 52 cm).</summary>
    public static string Value(Indicator indicator, double value)
    {
        var decimals = Decimals(indicator);
        var unit = Cultures.Pick(indicator.UnitZh, indicator.UnitEn);
        // Counts read as counts (3 件); small measured values get one more decimal (6.5 cm, 0.165 MPa).
        var extra = Math.Abs(value) < 10 && value != Math.Round(value, decimals) ? 1 : 0;
        var number = value.ToString("F" + Math.Min(decimals + extra, 3), CultureInfo.InvariantCulture);
        return unit.Length == 0 ? number : $"{number} {unit}";
    }

    public static string Threshold(Indicator indicator, AlertLevel level) => (level switch
    {
        AlertLevel.Blue => indicator.Blue,
        AlertLevel.Yellow => indicator.Yellow,
        AlertLevel.Orange => indicator.Orange,
        _ => indicator.Red,
    }).ToString(CultureInfo.InvariantCulture);

    /// <summary>The decimals the indicator's thresholds are written with (0.16 MPa: 2; 50 cm: 0).</summary>
    public static int Decimals(Indicator indicator) => new[] { indicator.Blue, indicator.Yellow, indicator.Orange, indicator.Red }.Max(Decimals);

    private static int Decimals(double x)
    {
        var text = x.ToString("R", CultureInfo.InvariantCulture);
        var dot = text.IndexOf('.');
        return dot < 0 ? 0 : text.Length - dot - 1;
    }
}
