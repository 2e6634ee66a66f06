using CommandCenter.Core.Features.Incidents;

namespace CommandCenter.Core.Features.Situation;

/// <summary>
/// The console's drill-down: which incidents stand behind a number. Unfinished incidents come from their partial
/// index; finished ones only within a reported-at window (BRIN), so no filter scans a year of incidents.
/// <see cref="Ids"/> narrows to given incidents (a compound problem's), whatever their state: a short list by primary key.
/// </summary>
public sealed record IncidentFilter(
    string? DistrictAdcode = null, string? StreetCode = null, string? ServiceCode = null, string? LeadDepartment = null,
    bool UnfinishedOnly = true, bool OverdueOnly = false, bool DisputedOnly = false,
    DateTimeOffset? ReportedFrom = null, DateTimeOffset? ReportedTo = null,
    IncidentSort Sort = IncidentSort.ReportedAt, bool Descending = false, IReadOnlyList<long>? Ids = null);

public enum IncidentSort { ReportedAt, DueAt, Bounces }

public sealed record IncidentListItem(
    long Id, string ServiceCode, string Description, string DistrictAdcode, string StreetCode, IncidentStatus Status,
    string? LeadDepartment, int Bounces, DateTimeOffset ReportedAt, DateTimeOffset DueAt);

public sealed record IncidentPage(IReadOnlyList<IncidentListItem> Items, int Total);

/// <summary>One assignment of an incident, for its detail view.</summary>
public sealed record AssignmentView(
    long Id, string DepartmentCode, AssignmentRole Role, AssignmentStatus Status, DateTimeOffset AssignedAt, DateTimeOffset? AcceptedAt,
    DateTimeOffset? ReturnedAt, string? ReturnReason, DateTimeOffset? ResolvedAt, string? ResolutionNote);
