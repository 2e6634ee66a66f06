namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>A WGS84 position, longitude first (GeoJSON order).</summary>
public readonly record struct GeoPoint(double Lon, double Lat)
{
    private const double MetresPerDegree = 111_320;

    /// <summary>Distance in metres on a local flat approximation: good to well under 1 % across a city.</summary>
    public double MetresTo(GeoPoint other)
    {
        var x = (other.Lon - Lon) * Math.Cos((Lat + other.Lat) / 2 * Math.PI / 180) * MetresPerDegree;
        var y = (other.Lat - Lat) * MetresPerDegree;
        return Math.Sqrt(x * x + y * y);
    }
}

public sealed record GeoBounds(double West, double South, double East, double North);

/// <summary>Polygons → rings → points; the first ring of each polygon is its outer ring, the rest are holes.</summary>
public sealed record GeoMultiPolygon(IReadOnlyList<IReadOnlyList<IReadOnlyList<GeoPoint>>> Polygons);

/// <summary>One district outline of a city pack, already in WGS84.</summary>
public sealed record DistrictShape(string Adcode, string NameZh, GeoPoint Center, GeoBounds Bounds, GeoMultiPolygon Geometry);

/// <summary>One street/town unit of a city pack; <see cref="Approximate"/> says the point is generated, not surveyed.</summary>
public sealed record StreetUnitSeed(string Code, string NameZh, string DistrictAdcode, StreetUnitKind Kind, GeoPoint Point, bool Approximate);

/// <summary>The geography of one city as generated at build time into wwwroot/geo.</summary>
public sealed record CityPack(IReadOnlyList<DistrictShape> Districts, IReadOnlyList<StreetUnitSeed> StreetUnits);
