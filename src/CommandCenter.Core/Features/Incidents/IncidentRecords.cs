using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Incidents;

public enum IncidentSource { Hotline, App, Inspector, Sensor, Open311, Import, Simulator }

public enum IncidentStatus { Open, Assigned, Accepted, Resolved, Closed }

public enum AssignmentRole { Lead, Support }

public enum AssignmentStatus { Pending, Accepted, Returned, Resolved, Withdrawn }

/// <summary>A new citizen request, inspector report or sensor event, as a source gives it.</summary>
public sealed record NewIncident(
    IncidentSource Source, string ServiceCode, string Description, GeoPoint Point,
    Datum Datum = Datum.Wgs84, string? StreetCode = null, string? Address = null,
    string? SourceRef = null, string? CallerName = null, string? CallerPhone = null, DateTimeOffset? ReportedAt = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Attributes = null);

/// <summary>An incident as every screen sees it: the caller's contact is masked.</summary>
public sealed record Incident(
    long Id, IncidentSource Source, string ServiceCode, string Description, string? Address, GeoPoint Point,
    string DistrictAdcode, string StreetCode, StreetSource StreetSource, IncidentStatus Status, SlaTier SlaTier, int Bounces,
    DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt, DateTimeOffset DueAt, DateTimeOffset? RespondedAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? ClosedAt, bool? Solved, Satisfaction? Satisfaction,
    string? CallerNameMasked, string? CallerPhoneMasked);

/// <summary>One row of a department's inbox: the assignment and what the department needs to act on it.</summary>
public sealed record InboxItem(
    long AssignmentId, AssignmentRole Role, AssignmentStatus Status, DateTimeOffset AssignedAt, DateTimeOffset? AcceptedAt,
    long IncidentId, string ServiceCode, string Description, string? Address, string DistrictAdcode, string StreetCode,
    IncidentStatus IncidentStatus, DateTimeOffset ReportedAt, DateTimeOffset DueAt, int Bounces);

/// <summary>What an inbox page asks for. <see cref="Sort"/> is one of <see cref="InboxSorts"/>; null is "open work first, earliest due".</summary>
public sealed record InboxQuery(bool IncludeFinished = false, int Offset = 0, int Limit = 50, string? Sort = null, bool Descending = false)
{
    /// <summary>The sort keys an inbox accepts (the <see cref="InboxItem"/> property names).</summary>
    public static readonly IReadOnlyList<string> InboxSorts =
        [nameof(InboxItem.IncidentId), nameof(InboxItem.ReportedAt), nameof(InboxItem.DueAt), nameof(InboxItem.Status),
         nameof(InboxItem.Role), nameof(InboxItem.Bounces), nameof(InboxItem.StreetCode)];
}

/// <summary>One page of a department's inbox; <see cref="Total"/> counts every row the query matches, the rest count open work.</summary>
public sealed record InboxPage(IReadOnlyList<InboxItem> Items, int Total, int Active, int Pending, int Overdue);

public sealed record TimelineEntry(long Id, long IncidentId, DateTimeOffset At, string Actor, string Action, string? DepartmentCode, string? Detail);

/// <summary>Input the incident feature refuses; the message says why and is safe to show.</summary>
public sealed class IncidentValidationException(string message) : Exception(message);

/// <summary>
/// The assignment or incident is no longer in a state that allows this (e.g. already returned). <see cref="Code"/> (one of
/// <see cref="AssignmentRefusals"/>) lets screens say why in the reader's language; the message is English, for logs and APIs.
/// </summary>
public sealed class AssignmentStateException(string code, string message) : Exception(message)
{
    public string Code => code;
}

/// <summary>Why an assignment or incident action was refused: the codes of <see cref="AssignmentStateException"/>.</summary>
public static class AssignmentRefusals
{
    public const string NoAssignment = "NoAssignment";
    public const string NotPending = "NotPending";
    public const string NotOpen = "NotOpen";
    public const string NotAccepted = "NotAccepted";
    public const string IncidentResolved = "IncidentResolved";
    public const string IncidentNotResolved = "IncidentNotResolved";
}
