namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>
/// GCJ-02 ("Mars coordinates", the datum of Chinese web maps) ↔ WGS84, using the published
/// Krasovsky-ellipsoid transform. Offsets apply only inside China's rough bounding box.
/// </summary>
public static class Gcj02
{
    private const double SemiMajorAxis = 6378245.0;
    private const double EccentricitySquared = 0.00669342162296594323;
    private const double InverseTolerance = 1e-10;
    private const int MaxInverseIterations = 30;

    /// <summary>The forward transform: a WGS84 position as GCJ-02.</summary>
    public static GeoPoint FromWgs84(GeoPoint wgs84)
    {
        if (!IsInsideChina(wgs84))
            return wgs84;

        var x = wgs84.Lon - 105.0;
        var y = wgs84.Lat - 35.0;
        var dLat = TransformLat(x, y);
        var dLon = TransformLon(x, y);

        var radLat = wgs84.Lat / 180.0 * Math.PI;
        var magic = 1 - EccentricitySquared * Math.Sin(radLat) * Math.Sin(radLat);
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (SemiMajorAxis * (1 - EccentricitySquared) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (SemiMajorAxis / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return new GeoPoint(wgs84.Lon + dLon, wgs84.Lat + dLat);
    }

    /// <summary>
    /// The exact inverse, by fixed-point iteration on <see cref="FromWgs84"/> (the usual one-step
    /// "subtract the offset" approximation is off by up to a few metres).
    /// </summary>
    public static GeoPoint ToWgs84(GeoPoint gcj02)
    {
        if (!IsInsideChina(gcj02))
            return gcj02;

        var guess = gcj02;
        for (var i = 0; i < MaxInverseIterations; i++)
        {
            var forward = FromWgs84(guess);
            var dLon = gcj02.Lon - forward.Lon;
            var dLat = gcj02.Lat - forward.Lat;
            guess = new GeoPoint(guess.Lon + dLon, guess.Lat + dLat);
            if (Math.Abs(dLon) < InverseTolerance && Math.Abs(dLat) < InverseTolerance)
                break;
        }
        return guess;
    }

    /// <summary>The rough box inside which GCJ-02 differs from WGS84.</summary>
    public static bool IsInsideChina(GeoPoint p) =>
        p.Lon is >= 72.004 and <= 137.8347 && p.Lat is >= 0.8293 and <= 55.8271;

    private static double TransformLat(double x, double y)
    {
        var ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x));
        ret += (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        ret += (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
        ret += (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320.0 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        return ret;
    }

    private static double TransformLon(double x, double y)
    {
        var ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x));
        ret += (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        ret += (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
        ret += (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        return ret;
    }
}
