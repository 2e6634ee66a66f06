using CommandCenter.Core.Features.Intake;

namespace CommandCenter.Core.Features.Risk;

/// <summary>The national four-level alert scale, lowest first: blue IV 蓝, yellow III 黄, orange II 橙, red I 红.</summary>
public enum AlertLevel { None, Blue, Yellow, Orange, Red }

/// <summary>What happened to an alert (one row of <c>alert_event</c>).</summary>
public enum AlertEventKind { Raised, Escalated, DeEscalated, Cleared, Acknowledged }

/// <summary>The four risk domains, in display order.</summary>
public static class RiskDomains
{
    public const string Operation = "operation";
    public const string Safety = "safety";
    public const string Social = "social";
    public const string Political = "political";

    public static readonly IReadOnlyList<string> All = [Operation, Safety, Social, Political];
}

/// <summary>One series: an indicator in one district, or city-wide (<see cref="DistrictAdcode"/> null).</summary>
public readonly record struct SeriesKey(string IndicatorCode, string? DistrictAdcode);

/// <summary>
/// The latest reading of one series and the level the engine holds for it (with hysteresis: the open alert's level,
/// None when there is none). <see cref="Stale"/>: the latest reading is older than <see cref="RiskOptions.StaleAfter"/>;
/// the level is kept, never silently cleared.
/// </summary>
public sealed record SeriesState(string IndicatorCode, string? DistrictAdcode, double Value, DateTimeOffset At, AlertLevel Level, bool Stale)
{
    public SeriesKey Key => new(IndicatorCode, DistrictAdcode);
}

/// <summary>An alert of one series, open until it is cleared. <see cref="PeakLevel"/> is the highest level it reached.</summary>
public sealed record Alert(
    long Id, string IndicatorCode, string? DistrictAdcode, AlertLevel Level, AlertLevel PeakLevel, double Value,
    DateTimeOffset RaisedAt, DateTimeOffset LevelChangedAt, DateTimeOffset? ClearedAt,
    string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, string? AckComment)
{
    public bool IsOpen => ClearedAt is null;

    public bool Acknowledged => AcknowledgedAt is not null;

    public SeriesKey Key => new(IndicatorCode, DistrictAdcode);
}

/// <summary>An open alert as screens show it: with its indicator's domain, staleness and the open order made from it, if any.</summary>
public sealed record OpenAlert(
    long Id, string IndicatorCode, string Domain, string? DistrictAdcode, AlertLevel Level, AlertLevel PeakLevel, double Value,
    DateTimeOffset RaisedAt, DateTimeOffset LevelChangedAt, bool Acknowledged, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt,
    bool Stale, long? OpenOrderId);

/// <summary>One line of an alert's append-only history. <see cref="Actor"/> is "system" for the engine's changes.</summary>
public sealed record AlertEvent(
    long Id, long AlertId, AlertEventKind Kind, AlertLevel FromLevel, AlertLevel ToLevel, double? Value, DateTimeOffset At, string Actor, string? Comment);

/// <summary>Open alerts per level.</summary>
public sealed record LevelCounts(int Blue, int Yellow, int Orange, int Red)
{
    public static readonly LevelCounts Zero = new(0, 0, 0, 0);

    public int Total => Blue + Yellow + Orange + Red;

    public int Of(AlertLevel level) => level switch
    {
        AlertLevel.Blue => Blue,
        AlertLevel.Yellow => Yellow,
        AlertLevel.Orange => Orange,
        AlertLevel.Red => Red,
        _ => 0,
    };
}

/// <summary>
/// One domain on the wall: its worst open level now, open alerts by level, and <see cref="Sparkline"/>: 24 hourly points,
/// oldest first, each the worst level any of the domain's alerts held during that hour (the last point is the current hour).
/// </summary>
public sealed record DomainRisk(string Domain, AlertLevel Worst, LevelCounts Open, IReadOnlyList<AlertLevel> Sparkline, DateTimeOffset SparklineStart);

/// <summary>
/// This node's live risk picture. <see cref="AsOf"/>: the time up to which committed changes are reflected.
/// <see cref="Series"/>: every series with at least one reading (fed and derived). <see cref="Alerts"/>: open alerts,
/// worst first. <see cref="Domains"/>: the four domains in <see cref="RiskDomains.All"/> order.
/// </summary>
public sealed record RiskSnapshot(
    DateTimeOffset AsOf, IReadOnlyList<Indicator> Indicators, IReadOnlyList<SeriesState> Series, IReadOnlyList<OpenAlert> Alerts,
    IReadOnlyList<DomainRisk> Domains)
{
    public static readonly RiskSnapshot Empty = new(DateTimeOffset.MinValue, [], [], [], []);

    public bool Loaded => AsOf > DateTimeOffset.MinValue;
}

/// <summary>One bucket of a series' chart: readings in [<see cref="Start"/>, Start + bucket), their min, max, mean and the last one.</summary>
public sealed record SeriesPoint(DateTimeOffset Start, double Min, double Max, double Mean, double Last, int Count);

/// <summary>An indicator's latest value in one district, with the engine's level for that series (None without an open alert).</summary>
public sealed record DistrictReading(string DistrictAdcode, double? Value, DateTimeOffset? At, AlertLevel Level, bool Stale);

/// <summary>Thrown for an alert that does not exist.</summary>
public sealed class AlertNotFoundException(long alertId) : Exception($"No alert {alertId}.")
{
    public long AlertId { get; } = alertId;
}
