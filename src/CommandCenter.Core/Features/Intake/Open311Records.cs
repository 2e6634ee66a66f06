namespace CommandCenter.Core.Features.Intake;

/// <summary>One attribute of a service definition (Open311 GeoReport v2).</summary>
public sealed record ServiceAttribute(
    string ServiceCode, string Code, string Datatype, bool Required, string DescriptionZh, string DescriptionEn, int Order, IReadOnlyList<AttributeValue> Values);

public sealed record AttributeValue(string Key, string NameZh, string NameEn);

/// <summary>A POST requests call as the client sent it: every field still text, validated by <see cref="Open311Service"/>.</summary>
/// <param name="ClientRequestKey">Our documented extension: the same key from the same client never makes a second request.</param>
/// <param name="Datum">Our extension: "wgs84" (default) or "gcj02".</param>
public sealed record Open311Post(
    string? ServiceCode, string? Lat, string? Long, string? AddressString, string? Description,
    string? FirstName = null, string? LastName = null, string? Phone = null, string? Email = null, string? MediaUrl = null,
    string? Datum = null, string? ClientRequestKey = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? Attributes = null);

/// <summary>The answer to a POST: the new (or, for a repeated client request key, the existing) request.</summary>
public sealed record Open311Created(long ServiceRequestId, string Token, string? ServiceNotice);

/// <summary>GET requests filters as sent (text), parsed and defaulted by <see cref="Open311Service"/>.</summary>
public sealed record Open311Query(string? ServiceRequestIds = null, string? ServiceCode = null, string? StartDate = null, string? EndDate = null, string? Status = null);

/// <summary>A service request in the spec's fields.</summary>
public sealed record Open311Request(
    long ServiceRequestId, string Status, string? StatusNotes, string ServiceName, string ServiceCode, string Description, string? AgencyResponsible,
    string? ServiceNotice, DateTimeOffset RequestedDatetime, DateTimeOffset UpdatedDatetime, DateTimeOffset? ExpectedDatetime, string? Address,
    double Lat, double Long);

/// <summary>A request the spec says to refuse: <see cref="Status"/> is 400, 403 or 404, <see cref="Message"/> is the description.</summary>
public sealed class Open311Exception(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
