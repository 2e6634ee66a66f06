using CommandCenter.Core.Features.Intake;

namespace CommandCenter.Core.Features.Risk;

/// <summary>
/// The level a series holds, with what a lowering is waiting for: <see cref="PendingLevel"/> is the highest level the
/// value has allowed since <see cref="PendingSince"/> (null while nothing lower is pending).
/// </summary>
public readonly record struct SeriesLevel(AlertLevel Level, AlertLevel? PendingLevel = null, DateTimeOffset? PendingSince = null)
{
    public static readonly SeriesLevel None = new(AlertLevel.None);
}

/// <summary>
/// The national thresholds with hysteresis (pure). A value reaches a level when it is at or beyond that level's
/// threshold in the indicator's worse direction; raising is immediate. Lowering needs the value to be better than the
/// threshold of every level above the new one by <c>margin</c> × |threshold| (the "clear" test), and to stay clear for
/// <c>dwell</c>; the level then drops to the highest level the value allowed during the dwell.
/// </summary>
public static class AlertRules
{
    public static double Threshold(Indicator indicator, AlertLevel level) => level switch
    {
        AlertLevel.Blue => indicator.Blue,
        AlertLevel.Yellow => indicator.Yellow,
        AlertLevel.Orange => indicator.Orange,
        AlertLevel.Red => indicator.Red,
        _ => throw new ArgumentOutOfRangeException(nameof(level), "None has no threshold."),
    };

    /// <summary>The level a value reaches with no hysteresis.</summary>
    public static AlertLevel Classify(Indicator indicator, double value)
    {
        for (var level = AlertLevel.Red; level > AlertLevel.None; level--)
            if (indicator.HigherIsWorse ? value >= Threshold(indicator, level) : value <= Threshold(indicator, level)) return level;
        return AlertLevel.None;
    }

    /// <summary>The highest level the value is not clear of: a held level may be lowered to this one (never raised by it).</summary>
    public static AlertLevel Release(Indicator indicator, double value, double margin)
    {
        for (var level = AlertLevel.Red; level > AlertLevel.None; level--)
        {
            var threshold = Threshold(indicator, level);
            var band = Math.Abs(threshold) * margin;
            var clear = indicator.HigherIsWorse ? value < threshold - band : value > threshold + band;
            if (!clear) return level;
        }
        return AlertLevel.None;
    }

    /// <summary>One evaluation of a series' latest value at <paramref name="now"/>.</summary>
    public static SeriesLevel Next(Indicator indicator, SeriesLevel current, double value, DateTimeOffset now, double margin, TimeSpan dwell)
    {
        var reached = Classify(indicator, value);
        if (reached > current.Level) return new SeriesLevel(reached);
        var release = Release(indicator, value, margin);
        if (release >= current.Level) return new SeriesLevel(current.Level);
        // Clear of the current level: wait out the dwell, remembering the worst level allowed meanwhile.
        var pending = current.PendingSince is null ? release : (AlertLevel)Math.Max((int)current.PendingLevel!.Value, (int)release);
        var since = current.PendingSince ?? now;
        return now - since >= dwell ? new SeriesLevel(pending) : new SeriesLevel(current.Level, pending, since);
    }
}
