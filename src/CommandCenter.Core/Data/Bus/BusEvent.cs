namespace CommandCenter.Core.Data.Bus;

/// <summary>Something changed: what kind of thing and which ids. Readers fetch the rows themselves.</summary>
public sealed record BusEvent(long Id, ulong Tx, string Kind, IReadOnlyList<long> Ids, DateTimeOffset At);

/// <summary>A position in the event stream: every event at or before it has been delivered.</summary>
public readonly record struct BusCursor(ulong Tx, long Id)
{
    public static readonly BusCursor Start = new(0, 0);
}

/// <summary>
/// One read of the stream. <paramref name="HeldBack"/>: committed events exist that the read could not deliver yet,
/// because an older transaction was still in flight. <paramref name="Xmin"/> / <paramref name="Xmax"/>: the read's
/// snapshot: every transaction below Xmin had finished; every transaction that had committed when the read began is
/// below Xmax.
/// </summary>
public sealed record BusPage(IReadOnlyList<BusEvent> Events, bool HeldBack, ulong Xmin, ulong Xmax);

/// <summary>Event kinds, one constant per thing that can change.</summary>
public static class BusKinds
{
    /// <summary>Every incident kind starts with this; subscribers that care about any incident change match it.</summary>
    public const string IncidentPrefix = "incident.";

    /// <summary>A new incident was reported (one id).</summary>
    public const string IncidentReported = "incident.reported";

    /// <summary>An incident's lifecycle moved on (accepted, returned, resolved, reassigned, closed).</summary>
    public const string IncidentChanged = "incident.changed";

    /// <summary>An order or one of its targets changed (issued, delivered, acknowledged, reported, completed, recalled, escalated); ids are order ids.</summary>
    public const string OrderChanged = "order.changed";

    /// <summary>A batch of sensor readings was stored; ids: the feed (API client) that sent it.</summary>
    public const string ReadingsReceived = "readings.received";

    /// <summary>Risk alerts were raised, escalated, de-escalated, cleared or acknowledged; ids are alert ids.</summary>
    public const string AlertChanged = "alert.changed";
}

/// <summary>Section "Bus".</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>At most one wake-up NOTIFY per node per this interval, however many commits happen.</summary>
    public TimeSpan NotifyInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// While a node reads at least <see cref="BusyRate"/> events a second, its wake-ups (and so the reads they cause
    /// on every node) come at most once per this interval instead, and it looks again for events held back by an older
    /// transaction no sooner than this: each read then carries more events, and the bus's round trips do not compete
    /// with the writers' when the database is busiest (at saturation on two cores 50 ms halved the reads of 20 ms, and
    /// commit → other node stayed under 80 ms at p99).
    /// </summary>
    public TimeSpan BusyInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Events read per second, measured over a tenth of a second (at least two intervals), from which <see cref="BusyInterval"/> applies.</summary>
    public double BusyRate { get; set; } = 1_000;

    /// <summary>The safety net: readers look for new events at least this often even without a wake-up.</summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 1000;

    /// <summary>Events older than this are deleted once the rollups have counted them (<see cref="BusRetentionJob"/>).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the leader deletes events past <see cref="Retention"/>.</summary>
    public TimeSpan RetentionCheck { get; set; } = TimeSpan.FromHours(1);
}
