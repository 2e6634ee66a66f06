namespace CommandCenter.Core.Features.Risk;

/// <summary>Hourly worst levels from alerts' level changes (pure).</summary>
public static class RiskSparkline
{
    /// <summary>
    /// <paramref name="hours"/> points from <paramref name="start"/>, one per hour: the worst level any of the alerts held
    /// at some moment of that hour. Each history's changes are oldest first; a change to None is a clearing.
    /// </summary>
    public static IReadOnlyList<AlertLevel> Build(IEnumerable<AlertLevelHistory> alerts, DateTimeOffset start, int hours)
    {
        var points = new AlertLevel[hours];
        foreach (var alert in alerts)
        {
            var changes = alert.Changes;
            for (var i = 0; i < changes.Count; i++)
            {
                var (from, level) = changes[i];
                if (level == AlertLevel.None) continue;
                var until = i + 1 < changes.Count ? changes[i + 1].At : DateTimeOffset.MaxValue;
                // Hours [first, last] overlap the span [from, until) this level was held.
                var first = Math.Max(0, (int)Math.Floor((from - start).TotalHours));
                var last = until == DateTimeOffset.MaxValue ? hours - 1 : Math.Min(hours - 1, (int)Math.Ceiling((until - start).TotalHours) - 1);
                for (var h = first; h <= last; h++)
                    if (level > points[h]) points[h] = level;
            }
        }
        return points;
    }
}
