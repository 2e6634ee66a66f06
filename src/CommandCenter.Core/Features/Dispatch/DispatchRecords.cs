namespace CommandCenter.Core.Features.Dispatch;

/// <summary>特急 / 紧急 / 一般: sets the acknowledgment SLA (<see cref="DispatchOptions.AckSla"/>).</summary>
public enum OrderPriority { ExtraUrgent, Urgent, Normal }

public enum OrderStatus { Active, Completed, Recalled }

/// <summary>What an order was issued from.</summary>
public enum OrderSourceKind { None, Incident, Dispute, Compound, Alert }

/// <summary>sent → delivered → acknowledged (签收) → in progress → completed; or recalled.</summary>
public enum TargetState { Sent, Delivered, Acknowledged, InProgress, Completed, Recalled }

/// <param name="Ref">The incident id, or the alert id; for a compound problem its smallest incident id.</param>
/// <param name="IncidentIds">The incidents the order is about (none for an alert or a free order).</param>
public sealed record OrderSource(OrderSourceKind Kind, string? Ref, IReadOnlyList<long> IncidentIds)
{
    public static readonly OrderSource None = new(OrderSourceKind.None, null, []);

    public static OrderSource Incident(long id) => new(OrderSourceKind.Incident, id.ToString(), [id]);

    public static OrderSource Dispute(long incidentId) => new(OrderSourceKind.Dispute, incidentId.ToString(), [incidentId]);

    public static OrderSource Compound(IReadOnlyList<long> incidentIds) => new(OrderSourceKind.Compound, incidentIds.Min().ToString(), [.. incidentIds.Order()]);
}

/// <summary>One district receiving an order (a joint order, 吹哨报到, has several).</summary>
public sealed record NewTarget(string DistrictAdcode, string LeadDepartment, IReadOnlyList<string> SupportDepartments, IReadOnlyList<string> StreetCodes);

/// <param name="Deadline">When the work must be completed.</param>
public sealed record NewOrder(OrderPriority Priority, DateTimeOffset Deadline, IReadOnlyList<NewTarget> Targets, OrderSource Source, string Instruction);

public sealed record Order(
    long Id, string Number, OrderPriority Priority, OrderStatus Status, OrderSourceKind SourceKind, string? SourceRef, string Instruction,
    string IssuedBy, DateTimeOffset IssuedAt, DateTimeOffset AckDueAt, DateTimeOffset DeadlineAt, DateTimeOffset? ClosedAt,
    IReadOnlyList<OrderTarget> Targets, IReadOnlyList<long> IncidentIds);

public sealed record OrderTarget(
    long Id, long OrderId, string DistrictAdcode, string LeadDepartment, IReadOnlyList<string> SupportDepartments, IReadOnlyList<string> StreetCodes,
    TargetState State, DateTimeOffset? DeliveredAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, string? AckComment,
    DateTimeOffset? CompletedAt, string? Report, DateTimeOffset? EscalatedAt, int Escalations, DateTimeOffset UpdatedAt)
{
    /// <summary>Still waiting for a person to acknowledge it.</summary>
    public bool Unacknowledged => State is TargetState.Sent or TargetState.Delivered;

    public bool IsOpen => State is not (TargetState.Completed or TargetState.Recalled);
}

/// <summary>What a district's clients receive, numbered per district in commit order (<see cref="Seq"/>).</summary>
public sealed record Delivery(string DistrictAdcode, long Seq, string Kind, DateTimeOffset At, Order Order, OrderTarget Target);

/// <summary>The order as issued with inferred defaults, or the open one that already covers the source.</summary>
public sealed record IssueResult(Order Order, bool Created);

/// <summary>One line of an order's history (from the audit): who did what, when, from where.</summary>
public sealed record OrderHistoryEntry(long Id, long? TargetId, DateTimeOffset At, string Actor, string? Ip, string Action, string? Detail);

public sealed record OrderProgress(long Id, long TargetId, DateTimeOffset At, string Actor, string Kind, string Text);

/// <summary>The wall's order figures: orders still open, targets not yet acknowledged, and those past their SLA.</summary>
public sealed record OrderCounts(int Active, int Unacknowledged, int Overdue);

/// <summary>
/// Dispatch refuses a request. <see cref="Code"/> (one of <see cref="Refusals"/>) names the reason for screens to say in
/// their reader's language, with <see cref="Args"/> for its blanks; the message says it in English for logs and API clients.
/// </summary>
public abstract class DispatchRefusalException(string code, string message, object[] args) : Exception(message)
{
    public string Code => code;
    public IReadOnlyList<object> Args => args;
}

/// <summary>The request is not valid.</summary>
public sealed class DispatchValidationException(string code, string message, params object[] args) : DispatchRefusalException(code, message, args);

/// <summary>The action does not fit the order's state (e.g. completing a recalled order).</summary>
public sealed class OrderStateException(string code, string message, params object[] args) : DispatchRefusalException(code, message, args);

/// <summary>Why dispatch refuses a request: the codes of <see cref="DispatchValidationException"/> and <see cref="OrderStateException"/>.</summary>
public static class Refusals
{
    public const string NoIncident = "NoIncident";
    public const string OneClickSource = "OneClickSource";
    public const string NoOrder = "NoOrder";
    public const string NoAlert = "NoAlert";
    public const string UnknownPriority = "UnknownPriority";
    public const string UnknownSource = "UnknownSource";
    public const string TargetCount = "TargetCount";
    public const string DistrictTwice = "DistrictTwice";
    public const string Deadline = "Deadline";
    public const string SourceIncidents = "SourceIncidents";
    public const string TooManyIncidents = "TooManyIncidents";
    public const string UnknownDistrict = "UnknownDistrict";
    public const string UnknownDepartment = "UnknownDepartment";
    public const string StreetsOutside = "StreetsOutside";
    public const string UnknownStreet = "UnknownStreet";
    public const string InstructionLength = "InstructionLength";
    public const string ReportLength = "ReportLength";
    public const string CommentLength = "CommentLength";
    public const string BadRequest = "BadRequest";
    public const string NotActive = "NotActive";
    public const string Recalled = "Recalled";
    public const string AcknowledgeFirst = "AcknowledgeFirst";
    public const string Closed = "Closed";
}
