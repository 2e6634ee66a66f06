using System.Globalization;
using System.Text.Json;

namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>One feature of an ECharts map file, still in the file's datum (GCJ-02 for the echarts 4 China maps).</summary>
public sealed record EChartsGeoFeature(string Adcode, string NameZh, GeoPoint Center, GeoMultiPolygon Geometry);

/// <summary>
/// Reads ECharts map GeoJSON, including the compressed "UTF8Encoding" form used by echarts 4
/// (same algorithm as its <c>parseGeoJson</c>/<c>decodePolygon</c>).
/// </summary>
public static class EChartsGeoDecoder
{
    private const double DefaultScale = 1024;

    /// <summary>Decodes every feature that has a Polygon or MultiPolygon geometry.</summary>
    /// <exception cref="InvalidOperationException">The text is not a FeatureCollection this decoder understands.</exception>
    public static IReadOnlyList<EChartsGeoFeature> Decode(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            throw new InvalidOperationException("ECharts map: expected a FeatureCollection with a 'features' array.");

        var encoded = root.TryGetProperty("UTF8Encoding", out var flag) && flag.ValueKind == JsonValueKind.True;
        var scale = root.TryGetProperty("UTF8Scale", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : DefaultScale;

        var result = new List<EChartsGeoFeature>();
        foreach (var feature in features.EnumerateArray())
        {
            // Like echarts: features without geometry or properties are skipped, not errors.
            if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object
                || !feature.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
                continue;

            var shape = encoded ? DecodeGeometry(geometry, scale) : GeoJson.ReadGeometry(geometry);
            if (shape.Polygons.Count == 0)
                continue;

            var adcode = ReadId(feature);
            var name = properties.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            var center = properties.TryGetProperty("cp", out var cp) && cp.ValueKind == JsonValueKind.Array
                ? GeoJson.ReadPosition(cp)
                : GeoMath.Centroid(shape);
            result.Add(new EChartsGeoFeature(adcode, name, center, shape));
        }
        return result;
    }

    /// <summary>Decodes one ring: per pair, char code − 64, zigzag, delta from the previous value, then ÷ scale.</summary>
    public static IReadOnlyList<GeoPoint> DecodeRing(string encoded, long offsetX, long offsetY, double scale = DefaultScale)
    {
        if (encoded.Length % 2 != 0)
            throw new InvalidOperationException($"ECharts map: encoded ring has an odd length ({encoded.Length}).");

        var points = new GeoPoint[encoded.Length / 2];
        var prevX = offsetX;
        var prevY = offsetY;
        for (var i = 0; i < encoded.Length; i += 2)
        {
            long x = encoded[i] - 64;
            long y = encoded[i + 1] - 64;
            x = (x >> 1) ^ -(x & 1);
            y = (y >> 1) ^ -(y & 1);
            prevX += x;
            prevY += y;
            points[i / 2] = new GeoPoint(prevX / scale, prevY / scale);
        }
        return points;
    }

    private static GeoMultiPolygon DecodeGeometry(JsonElement geometry, double scale)
    {
        var type = geometry.GetProperty("type").GetString();
        var coordinates = geometry.GetProperty("coordinates");
        var offsets = geometry.GetProperty("encodeOffsets");
        return type switch
        {
            "Polygon" => new GeoMultiPolygon([DecodePolygon(coordinates, offsets, scale)]),
            "MultiPolygon" => new GeoMultiPolygon(
                coordinates.EnumerateArray()
                    .Zip(offsets.EnumerateArray(), (polygon, polygonOffsets) => DecodePolygon(polygon, polygonOffsets, scale))
                    .ToList()),
            _ => new GeoMultiPolygon([]),
        };
    }

    private static IReadOnlyList<IReadOnlyList<GeoPoint>> DecodePolygon(JsonElement rings, JsonElement offsets, double scale) =>
        rings.EnumerateArray()
            .Zip(offsets.EnumerateArray(), (ring, offset) =>
                DecodeRing(ring.GetString() ?? "", offset[0].GetInt64(), offset[1].GetInt64(), scale))
            .ToList();

    private static string ReadId(JsonElement feature)
    {
        if (!feature.TryGetProperty("id", out var id))
            throw new InvalidOperationException("ECharts map: a feature has no 'id' (adcode).");
        return id.ValueKind == JsonValueKind.Number
            ? id.GetInt64().ToString(CultureInfo.InvariantCulture)
            : id.GetString() ?? throw new InvalidOperationException("ECharts map: a feature has a null 'id'.");
    }
}
