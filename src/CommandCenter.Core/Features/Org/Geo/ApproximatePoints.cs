namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>
/// Deterministic stand-in positions for units that have no surveyed location: the Halton (2,3)
/// sequence over the area's bounding box, keeping only points inside the area. Low-discrepancy,
/// so any prefix is evenly spread; no randomness, so rebuilding the pack changes nothing.
/// </summary>
public static class ApproximatePoints
{
    private const int MaxCandidatesPerPoint = 10_000;

    /// <summary>The first <paramref name="count"/> Halton points inside <paramref name="area"/>, rounded to <see cref="GeoMath.Decimals"/>.</summary>
    /// <exception cref="InvalidOperationException">The area is too thin for the points to be found.</exception>
    public static IReadOnlyList<GeoPoint> Generate(GeoMultiPolygon area, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
            return [];

        var box = GeoMath.Bounds(area);
        var points = new List<GeoPoint>(count);
        var maxIndex = (long)count * MaxCandidatesPerPoint;
        // Index 0 of the sequence is the box corner (0,0); start at 1.
        for (long i = 1; points.Count < count; i++)
        {
            if (i > maxIndex)
                throw new InvalidOperationException($"Found only {points.Count} of {count} points inside the area.");

            // Rounded before the test, so the stored point is the one known to be inside.
            var candidate = GeoMath.Round(new GeoPoint(
                box.West + Halton(i, 2) * (box.East - box.West),
                box.South + Halton(i, 3) * (box.North - box.South)));
            if (GeoMath.Contains(area, candidate))
                points.Add(candidate);
        }
        return points;
    }

    /// <summary>One point per code: codes sorted ordinally take the generated points in order.</summary>
    public static IReadOnlyDictionary<string, GeoPoint> Assign(GeoMultiPolygon area, IEnumerable<string> codes)
    {
        var sorted = codes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var points = Generate(area, sorted.Count);
        return sorted.Zip(points).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
    }

    private static double Halton(long index, int radix)
    {
        double result = 0, fraction = 1.0 / radix;
        for (var i = index; i > 0; i /= radix, fraction /= radix)
            result += fraction * (i % radix);
        return result;
    }
}
