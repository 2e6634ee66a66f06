using Microsoft.Extensions.Options;

namespace CommandCenter.Core.Features.Org;

/// <summary>
/// The city's wall clock. Every displayed time and every day or month bucket goes through here, so
/// "today" means today in the city (Asia/Shanghai), never UTC and never the server's zone.
/// </summary>
public sealed class CityClock(TimeProvider time, IOptions<CityOptions> options)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset UtcNow => time.GetUtcNow();

    public DateTimeOffset Now => ToLocal(time.GetUtcNow());

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    public DateOnly Today => DayOf(UtcNow);

    public DateOnly MonthOf(DateTimeOffset instant) => DayOf(instant) is var d ? new DateOnly(d.Year, d.Month, 1) : default;

    /// <summary>The instant a local day starts, as UTC: the lower bound for "that day" queries.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
