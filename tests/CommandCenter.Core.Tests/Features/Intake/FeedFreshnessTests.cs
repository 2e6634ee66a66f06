using CommandCenter.Core.Features.Intake;

namespace CommandCenter.Core.Tests.Features.Intake;

public sealed class FeedFreshnessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(0, FeedStatus.Fresh)]
    [InlineData(10, FeedStatus.Fresh)]    // exactly two intervals: one delivery may simply be in flight
    [InlineData(11, FeedStatus.Late)]
    [InlineData(30, FeedStatus.Late)]     // exactly six intervals
    [InlineData(31, FeedStatus.Silent)]
    [InlineData(24 * 60, FeedStatus.Silent)]
    public void Of_FiveMinuteFeed_ByMinutesSinceLastDelivery(int minutesAgo, FeedStatus expected) =>
        Assert.Equal(expected, FeedFreshness.Of(FiveMinutes, Now.AddMinutes(-minutesAgo), Now));

    [Fact]
    public void Of_CadenceButNeverDelivered_IsSilent() => Assert.Equal(FeedStatus.Silent, FeedFreshness.Of(FiveMinutes, null, Now));

    [Fact]
    public void Of_NoCadence_IsOnDemandHoweverOld()
    {
        Assert.Equal(FeedStatus.OnDemand, FeedFreshness.Of(null, null, Now));
        Assert.Equal(FeedStatus.OnDemand, FeedFreshness.Of(null, Now.AddDays(-90), Now));
    }
}
