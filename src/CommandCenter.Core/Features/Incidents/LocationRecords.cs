using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>The datum a source's coordinates are in; GCJ-02 is what Chinese web maps and apps report.</summary>
public enum Datum
{
    Wgs84,
    Gcj02,
}

/// <summary>How an incident's street unit was found.</summary>
public enum StreetSource
{
    /// <summary>The source gave the unit's code and it matched the located district — fit for street rankings.</summary>
    Supplied,

    /// <summary>The unit whose approximate point is nearest, within the located district — a guess, not for rankings.</summary>
    Nearest,
}

/// <summary>Why a location was refused; the web layer localizes by this, <see cref="LocationResult.Rejected.Reason"/> is the English text.</summary>
public enum LocationRejection
{
    InvalidCoordinates,
    OutsideCity,
    UnknownStreetCode,
    StreetCodeInOtherDistrict,
}

/// <summary>Where an incident is: either <see cref="Located"/> or <see cref="Rejected"/>, nothing else.</summary>
public abstract record LocationResult
{
    private LocationResult()
    {
    }

    /// <summary>A point inside one of the city's districts, with its street unit and how that unit was found.</summary>
    /// <param name="Wgs84">The point in WGS84, converted if it came in as GCJ-02.</param>
    public sealed record Located(GeoPoint Wgs84, string DistrictAdcode, string StreetCode, StreetSource Source) : LocationResult;

    /// <summary>A point that cannot be placed; <paramref name="Reason"/> is English, for logs and operators.</summary>
    public sealed record Rejected(LocationRejection Code, string Reason) : LocationResult;
}
