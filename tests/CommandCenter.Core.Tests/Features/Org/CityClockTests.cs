using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Core.Tests.Features.Org;

public sealed class CityClockTests
{
    private static CityClock ClockAt(string utc, out FakeTimeProvider time)
    {
        time = new FakeTimeProvider(DateTimeOffset.Parse(utc));
        return new CityClock(time, Options.Create(new CityOptions { TimeZone = "Asia/Shanghai" }));
    }

    [Fact]
    public void Today_LateEveningUtc_IsNextDayInBeijing()
    {
        var clock = ClockAt("2026-11-27T17:30:00Z", out _);

        Assert.Equal(new DateOnly(2026, 11, 28), clock.Today);
        Assert.Equal(TimeSpan.FromHours(8), clock.Now.Offset);
        Assert.Equal(1, clock.Now.Hour);
    }

    [Fact]
    public void Today_FollowsTheTimeProvider()
    {
        var clock = ClockAt("2026-11-27T15:59:59Z", out var time);
        Assert.Equal(new DateOnly(2026, 11, 27), clock.Today);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new DateOnly(2026, 11, 28), clock.Today);
    }

    [Fact]
    public void StartOf_LocalDay_IsSixteenHundredUtcTheDayBefore()
    {
        var clock = ClockAt("2026-01-01T00:00:00Z", out _);

        Assert.Equal(DateTimeOffset.Parse("2026-11-26T16:00:00Z"), clock.StartOf(new DateOnly(2026, 11, 27)));
        Assert.Equal(new DateOnly(2026, 11, 27), clock.DayOf(clock.StartOf(new DateOnly(2026, 11, 27))));
        Assert.Equal(new DateOnly(2026, 11, 26), clock.DayOf(clock.StartOf(new DateOnly(2026, 11, 27)).AddTicks(-1)));
    }

    [Fact]
    public void MonthOf_LastEveningOfMonthUtc_IsNextMonthInBeijing()
    {
        var clock = ClockAt("2026-01-01T00:00:00Z", out _);

        Assert.Equal(new DateOnly(2026, 12, 1), clock.MonthOf(DateTimeOffset.Parse("2026-11-30T16:00:00Z")));
        Assert.Equal(new DateOnly(2026, 11, 1), clock.MonthOf(DateTimeOffset.Parse("2026-11-30T15:59:59Z")));
    }
}
