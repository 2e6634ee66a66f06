using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Wall;

internal static class WallFormat
{
    /// <summary>How long something has been open, in its largest whole unit: "3天", "5小时", "12分钟".</summary>
    public static string Age(IStringLocalizer<WallStrings> l, TimeSpan age) =>
        age.TotalDays >= 1 ? l["Age.Days", (int)age.TotalDays]
        : age.TotalHours >= 1 ? l["Age.Hours", (int)age.TotalHours]
        : l["Age.Minutes", Math.Max(0, (int)age.TotalMinutes)];
}
