using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

internal static class GeoFixtures
{
    private static readonly Lazy<CityPack> beijing = new(() => CityPackBuilder.Build(NodeModules));

    public static string NodeModules => Path.Combine(RepoPaths.Root, "node_modules");

    public static string BeijingEChartsMap =>
        File.ReadAllText(Path.Combine(NodeModules, CityPackBuilder.DistrictsSource));

    /// <summary>Built once per test run from the real npm packages.</summary>
    public static CityPack BeijingPack => beijing.Value;

    public static IReadOnlyList<GeoPoint> Ring(params (double Lon, double Lat)[] points)
    {
        var ring = points.Select(p => new GeoPoint(p.Lon, p.Lat)).ToList();
        ring.Add(ring[0]);
        return ring;
    }

    public static IReadOnlyList<GeoPoint> Square(double west, double south, double size) =>
        Ring((west, south), (west + size, south), (west + size, south + size), (west, south + size));

    public static double DistanceMetres(GeoPoint a, GeoPoint b)
    {
        const double earthRadius = 6_371_008.8;
        static double Rad(double deg) => deg * Math.PI / 180;
        var dLat = Rad(b.Lat - a.Lat);
        var dLon = Rad(b.Lon - a.Lon);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Rad(a.Lat)) * Math.Cos(Rad(b.Lat)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * earthRadius * Math.Asin(Math.Sqrt(h));
    }

    public static IEnumerable<GeoPoint> Vertices(GeoMultiPolygon shape) => shape.Polygons.SelectMany(p => p).SelectMany(r => r);
}
