using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Incidents;

namespace CommandCenter.Web.Features.Dispatch;

/// <summary>
/// One numbered delivery to a district (the hub's <c>Delivery</c> push and <c>Resume</c> result). Flat and
/// JSON-friendly for browsers and district systems; clients ignore a <see cref="Seq"/> they have already seen.
/// </summary>
/// <param name="Seq">Per district, in commit order, without gaps: resume from the last one seen.</param>
/// <param name="Kind">"issued", "recalled" or "escalated".</param>
/// <param name="Priority">"extra-urgent", "urgent" or "normal".</param>
public sealed record DeliveryMessage(
    long Seq, string Kind, DateTimeOffset At, long OrderId, string Number, string Priority, string Instruction,
    DateTimeOffset IssuedAt, DateTimeOffset AckDueAt, DateTimeOffset DeadlineAt, TargetMessage Target)
{
    public static DeliveryMessage From(Delivery d) => new(
        d.Seq, d.Kind, d.At, d.Order.Id, d.Order.Number, IncidentCodes.Code(d.Order.Priority), d.Order.Instruction,
        d.Order.IssuedAt, d.Order.AckDueAt, d.Order.DeadlineAt, TargetMessage.From(d.Target));
}

/// <summary>One district's part of an order, as it stands.</summary>
/// <param name="State">"sent", "delivered", "acknowledged", "in-progress", "completed" or "recalled".</param>
public sealed record TargetMessage(
    long TargetId, long OrderId, string DistrictAdcode, string LeadDepartment, IReadOnlyList<string> SupportDepartments,
    IReadOnlyList<string> StreetCodes, string State, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, int Escalations,
    DateTimeOffset UpdatedAt)
{
    public static TargetMessage From(OrderTarget t) => new(
        t.Id, t.OrderId, t.DistrictAdcode, t.LeadDepartment, t.SupportDepartments, t.StreetCodes, IncidentCodes.Code(t.State),
        t.AcknowledgedAt, t.AcknowledgedBy, t.Escalations, t.UpdatedAt);
}
