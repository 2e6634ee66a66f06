using System.Text.Json;
using System.Text.Json.Nodes;

namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>GeoJSON Polygon/MultiPolygon geometry ↔ <see cref="GeoMultiPolygon"/>; one polygon is written as a Polygon.</summary>
public static class GeoJson
{
    /// <summary>The geometry object, ready for <see cref="JsonSerializer"/> (e.g. for a jsonb column).</summary>
    public static JsonObject Geometry(GeoMultiPolygon shape)
    {
        var single = shape.Polygons.Count == 1;
        return new JsonObject
        {
            ["type"] = single ? "Polygon" : "MultiPolygon",
            ["coordinates"] = single
                ? PolygonNode(shape.Polygons[0])
                : new JsonArray(shape.Polygons.Select(p => (JsonNode?)PolygonNode(p)).ToArray()),
        };
    }

    /// <summary>Reads a Polygon or MultiPolygon; any other geometry type yields an empty shape.</summary>
    public static GeoMultiPolygon ReadGeometry(JsonElement geometry)
    {
        var type = geometry.GetProperty("type").GetString();
        var coordinates = geometry.GetProperty("coordinates");
        return type switch
        {
            "Polygon" => new GeoMultiPolygon([ReadPolygon(coordinates)]),
            "MultiPolygon" => new GeoMultiPolygon(coordinates.EnumerateArray().Select(ReadPolygon).ToList()),
            _ => new GeoMultiPolygon([]),
        };
    }

    internal static GeoPoint ReadPosition(JsonElement position) =>
        new(position[0].GetDouble(), position[1].GetDouble());

    /// <summary>Streams the same geometry as <see cref="Geometry"/> without building a node tree.</summary>
    internal static void WriteGeometry(Utf8JsonWriter writer, GeoMultiPolygon shape)
    {
        writer.WriteStartObject();
        var single = shape.Polygons.Count == 1;
        writer.WriteString("type", single ? "Polygon" : "MultiPolygon");
        writer.WritePropertyName("coordinates");
        if (single)
        {
            WritePolygon(writer, shape.Polygons[0]);
        }
        else
        {
            writer.WriteStartArray();
            foreach (var polygon in shape.Polygons)
                WritePolygon(writer, polygon);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    internal static void WritePosition(Utf8JsonWriter writer, GeoPoint point)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(point.Lon);
        writer.WriteNumberValue(point.Lat);
        writer.WriteEndArray();
    }

    private static JsonArray PolygonNode(IReadOnlyList<IReadOnlyList<GeoPoint>> polygon) =>
        new(polygon.Select(ring => (JsonNode?)new JsonArray(
            ring.Select(p => (JsonNode?)new JsonArray(p.Lon, p.Lat)).ToArray())).ToArray());

    private static IReadOnlyList<IReadOnlyList<GeoPoint>> ReadPolygon(JsonElement polygon) =>
        polygon.EnumerateArray()
            .Select(ring => (IReadOnlyList<GeoPoint>)ring.EnumerateArray().Select(ReadPosition).ToList())
            .ToList();

    private static void WritePolygon(Utf8JsonWriter writer, IReadOnlyList<IReadOnlyList<GeoPoint>> polygon)
    {
        writer.WriteStartArray();
        foreach (var ring in polygon)
        {
            writer.WriteStartArray();
            foreach (var point in ring)
                WritePosition(writer, point);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
