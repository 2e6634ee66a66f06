namespace CommandCenter.Core.Features.Intake;

/// <summary>How a feed stands against the cadence it is expected to send at.</summary>
public enum FeedStatus
{
    /// <summary>No cadence: the client sends when it has something (a hotline, a citizen app).</summary>
    OnDemand,
    Fresh,
    /// <summary>More than two expected intervals without a delivery: one may have been missed.</summary>
    Late,
    /// <summary>Never delivered, or nothing for more than six expected intervals: treat its data as out of date.</summary>
    Silent,
}

/// <summary>The freshness catalog's one rule, so every screen judges a feed the same way.</summary>
public static class FeedFreshness
{
    public static readonly TimeSpan MinCadence = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxCadence = TimeSpan.FromDays(31);
    public const int LateAfter = 2;
    public const int SilentAfter = 6;

    public static FeedStatus Of(TimeSpan? expectedCadence, DateTimeOffset? lastReceivedAt, DateTimeOffset now)
    {
        if (expectedCadence is not { } cadence) return FeedStatus.OnDemand;
        if (lastReceivedAt is not { } last) return FeedStatus.Silent;
        var age = now - last;
        return age > cadence * SilentAfter ? FeedStatus.Silent : age > cadence * LateAfter ? FeedStatus.Late : FeedStatus.Fresh;
    }
}
