using CommandCenter.Core.Features.Intake;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CommandCenter.Web.Features.Admin;

/// <summary>How the feed catalog reads: a cadence in words, a freshness status as text, icon and colour (never colour alone).</summary>
public static class FeedNames
{
    public static string Cadence(IStringLocalizer<AdminStrings> l, TimeSpan? cadence) => cadence switch
    {
        null => l["Feed.OnDemand"],
        { } c when c.TotalDays >= 1 && c.TotalDays % 1 == 0 => l["Feed.EveryDays", (int)c.TotalDays],
        { } c when c.TotalHours >= 1 && c.TotalHours % 1 == 0 => l["Feed.EveryHours", (int)c.TotalHours],
        { } c when c.TotalMinutes >= 1 && c.TotalMinutes % 1 == 0 => l["Feed.EveryMinutes", (int)c.TotalMinutes],
        { } c => l["Feed.EverySeconds", (int)c.TotalSeconds],
    };

    public static string Status(IStringLocalizer<AdminStrings> l, FeedStatus status) => l[$"Feed.Status.{status}"];

    public static (string Icon, Color Color) Look(FeedStatus status) => status switch
    {
        FeedStatus.Fresh => (Icons.Material.Filled.CheckCircle, Color.Success),
        FeedStatus.Late => (Icons.Material.Filled.Schedule, Color.Warning),
        FeedStatus.Silent => (Icons.Material.Filled.ErrorOutline, Color.Error),
        _ => (Icons.Material.Filled.TouchApp, Color.Default),
    };
}
