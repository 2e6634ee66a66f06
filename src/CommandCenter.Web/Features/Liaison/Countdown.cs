using Microsoft.Extensions.Localization;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Features.Liaison;

/// <summary>The SLA countdown's text, as liaison.js writes it every second ("剩余 1天02:03:04" / "已超时 00:05:10").</summary>
public static class Countdown
{
    public static string Format(TimeSpan left, IStringLocalizer<LiaisonStrings> l)
    {
        var span = left.Duration();
        var clock = $"{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}";
        var body = span.Days > 0 ? $"{span.Days}{l["Countdown.Day"]}{clock}" : clock;
        return left < TimeSpan.Zero ? l["Countdown.Over", body] : l["Countdown.Left", body];
    }

    public static long EpochMs(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();
}
