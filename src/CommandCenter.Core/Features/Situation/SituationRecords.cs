using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Rollups;

namespace CommandCenter.Core.Features.Situation;

/// <summary>An unfinished incident as the live state holds it (no free text: that is fetched for what is shown).</summary>
public sealed record OpenIncident(
    long Id, string ServiceCode, string DistrictAdcode, string StreetCode, GeoPoint Point, IncidentStatus Status,
    string? LeadDepartment, bool LeadAccepted, int Bounces, DateTimeOffset ReportedAt, DateTimeOffset DueAt)
{
    public bool IsOverdue(DateTimeOffset now) => DueAt < now;

    /// <summary>A dispute (推诿): bounced at least twice, or without an accepting owner past its due time.</summary>
    public bool IsDisputed(DateTimeOffset now) => Bounces >= 2 || (!LeadAccepted && IsOverdue(now));
}

/// <summary>
/// The whole live picture at one moment. <see cref="AsOf"/> is the time up to which committed changes are
/// reflected: screens show it and turn stale when it falls behind.
/// </summary>
public sealed record SituationSnapshot(
    DateTimeOffset AsOf,
    SituationKpis Kpis,
    IReadOnlyList<BacklogCell> Backlog,
    IReadOnlyList<DistrictLoad> Districts,
    IReadOnlyList<Dispute> Disputes,
    IReadOnlyList<CompoundProblem> Compounds,
    SituationTrend Trend)
{
    public static readonly SituationSnapshot Empty = new(DateTimeOffset.MinValue,
        new SituationKpis(0, 0, 0, RateCounts.Zero, DateTimeOffset.MinValue), [], [], [], [],
        new SituationTrend([], [], [], DateTimeOffset.MinValue));

    /// <summary>Whether the snapshot holds data loaded from the database (false before the first load).</summary>
    public bool Loaded => AsOf > DateTimeOffset.MinValue;
}

/// <param name="ReportedToday">Incidents reported since midnight in the city's zone.</param>
/// <param name="Rates30Days">The three rates' counts over the last 30 city days, today included (from the rollups, as of <paramref name="RatesAsOf"/>).</param>
public sealed record SituationKpis(int ReportedToday, int Open, int Overdue, RateCounts Rates30Days, DateTimeOffset RatesAsOf);

/// <summary>One cell of the department × district backlog matrix: the open incidents a department leads in a district.</summary>
public sealed record BacklogCell(string DepartmentCode, string DistrictAdcode, int Open, int Overdue, TimeSpan AverageAge);

public sealed record DistrictLoad(string DistrictAdcode, int Open, int Overdue);

/// <summary>
/// An ownership dispute: bounced at least twice, or without an accepting owner past its due time. The
/// <see cref="Chain"/> says who returned it, when and why; <see cref="Suggestion"/> who should own it.
/// </summary>
public sealed record Dispute(
    long IncidentId, string ServiceCode, string DistrictAdcode, string StreetCode, string Description, int Bounces, bool Unowned,
    DateTimeOffset ReportedAt, DateTimeOffset DueAt, IReadOnlyList<Bounce> Chain, SuggestedLead Suggestion);

public sealed record Bounce(string DepartmentCode, DateTimeOffset At, string Reason);

/// <summary>
/// The department that resolved most incidents of the category in the district over the last 90 days, with its
/// share of them; when that history is thin, the district government (<see cref="DistrictFallback"/>, 区政府兜底).
/// </summary>
public sealed record SuggestedLead(string? DepartmentCode, double Share, int Resolved, bool DistrictFallback);

/// <summary>Open incidents at one place (within ~150 m and 7 days) whose categories belong to two or more departments.</summary>
public sealed record CompoundProblem(
    GeoPoint Centre, string DistrictAdcode, string StreetCode, IReadOnlyList<long> IncidentIds, IReadOnlyList<string> ServiceCodes,
    IReadOnlyList<string> Departments, DateTimeOffset OldestReportedAt);

/// <param name="Today">Incidents per hour today (hour 0–23 local; hours not yet begun are absent).</param>
/// <param name="LastWeek">The same day last week, per hour.</param>
/// <param name="TopCategories">Today's most reported categories.</param>
public sealed record SituationTrend(IReadOnlyList<int> Today, IReadOnlyList<int> LastWeek, IReadOnlyList<CategoryCount> TopCategories, DateTimeOffset AsOf);

/// <summary>The heatmap's time windows.</summary>
public enum HeatWindow { Hour, Day, Week }
