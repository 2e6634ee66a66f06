namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>Planar geometry on lon/lat polygons — fine at city scale, not for areas in m².</summary>
public static class GeoMath
{
    /// <summary>Decimal places kept in city packs (~0.1 m).</summary>
    public const int Decimals = 6;

    /// <summary>True when the point is inside any polygon, outside that polygon's holes (even-odd rule).</summary>
    public static bool Contains(GeoMultiPolygon shape, GeoPoint point)
    {
        foreach (var polygon in shape.Polygons)
        {
            // Counting crossings over the outer ring and every hole together is the even-odd rule:
            // a point in a hole crosses one more ring, so it comes out as outside.
            var inside = false;
            foreach (var ring in polygon)
                inside ^= RingContains(ring, point);
            if (inside)
                return true;
        }
        return false;
    }

    /// <summary>The bounding box of every vertex.</summary>
    /// <exception cref="InvalidOperationException">The shape has no vertices.</exception>
    public static GeoBounds Bounds(GeoMultiPolygon shape)
    {
        double west = double.PositiveInfinity, south = double.PositiveInfinity;
        double east = double.NegativeInfinity, north = double.NegativeInfinity;
        foreach (var point in shape.Polygons.SelectMany(p => p).SelectMany(r => r))
        {
            west = Math.Min(west, point.Lon);
            east = Math.Max(east, point.Lon);
            south = Math.Min(south, point.Lat);
            north = Math.Max(north, point.Lat);
        }
        if (double.IsInfinity(west))
            throw new InvalidOperationException("Cannot take the bounds of an empty shape.");
        return new GeoBounds(west, south, east, north);
    }

    /// <summary>Area-weighted centroid (holes subtract); may fall outside a concave shape.</summary>
    /// <exception cref="InvalidOperationException">The shape has no area.</exception>
    public static GeoPoint Centroid(GeoMultiPolygon shape)
    {
        double area = 0, sumX = 0, sumY = 0;
        foreach (var polygon in shape.Polygons)
        {
            for (var r = 0; r < polygon.Count; r++)
            {
                var (ringArea, cx, cy) = RingAreaCentroid(polygon[r]);
                var weight = r == 0 ? ringArea : -ringArea;
                area += weight;
                sumX += weight * cx;
                sumY += weight * cy;
            }
        }
        if (area <= 0)
            throw new InvalidOperationException("Cannot take the centroid of a shape without area.");
        return new GeoPoint(sumX / area, sumY / area);
    }

    /// <summary>Total vertex count, closing vertices included.</summary>
    public static int VertexCount(GeoMultiPolygon shape) => shape.Polygons.SelectMany(p => p).Sum(r => r.Count);

    /// <summary>Rounds both coordinates to <see cref="Decimals"/> places.</summary>
    public static GeoPoint Round(GeoPoint point) =>
        new(Math.Round(point.Lon, Decimals), Math.Round(point.Lat, Decimals));

    /// <summary>Applies <paramref name="map"/> to every vertex, keeping the structure.</summary>
    public static GeoMultiPolygon Map(GeoMultiPolygon shape, Func<GeoPoint, GeoPoint> map) =>
        new(shape.Polygons
            .Select(polygon => (IReadOnlyList<IReadOnlyList<GeoPoint>>)polygon
                .Select(ring => (IReadOnlyList<GeoPoint>)ring.Select(map).ToArray())
                .ToArray())
            .ToArray());

    private static bool RingContains(IReadOnlyList<GeoPoint> ring, GeoPoint p)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var a = ring[i];
            var b = ring[j];
            if ((a.Lat > p.Lat) != (b.Lat > p.Lat)
                && p.Lon < (b.Lon - a.Lon) * (p.Lat - a.Lat) / (b.Lat - a.Lat) + a.Lon)
                inside = !inside;
        }
        return inside;
    }

    private static (double Area, double Cx, double Cy) RingAreaCentroid(IReadOnlyList<GeoPoint> ring)
    {
        if (ring.Count < 3)
            return (0, 0, 0);

        // Relative to the first vertex, so large absolute coordinates do not eat the precision.
        var origin = ring[0];
        double twiceArea = 0, cx = 0, cy = 0;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            double x0 = ring[j].Lon - origin.Lon, y0 = ring[j].Lat - origin.Lat;
            double x1 = ring[i].Lon - origin.Lon, y1 = ring[i].Lat - origin.Lat;
            var cross = x0 * y1 - x1 * y0;
            twiceArea += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
        }
        if (twiceArea == 0)
            return (0, 0, 0);
        return (Math.Abs(twiceArea) / 2, origin.Lon + cx / (3 * twiceArea), origin.Lat + cy / (3 * twiceArea));
    }
}
