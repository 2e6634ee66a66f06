using System.Text.Encodings.Web;
using System.Text.Json;

namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>
/// The on-disk form of a <see cref="CityPack"/>: a GeoJSON FeatureCollection of districts (WGS84) and
/// a JSON array of street units. Compact UTF-8 with Chinese left unescaped — these are static data
/// files, never inlined into HTML.
/// </summary>
public static class CityPackFile
{
    /// <summary>District outlines as a GeoJSON FeatureCollection.</summary>
    public const string DistrictsFileName = "beijing.districts.geojson";

    /// <summary>Street-level units as a JSON array.</summary>
    public const string StreetsFileName = "beijing.streets.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes both files into <paramref name="dir"/>, creating it if needed.</summary>
    public static void Write(CityPack pack, string dir)
    {
        Directory.CreateDirectory(dir);
        WriteDistricts(pack.Districts, Path.Combine(dir, DistrictsFileName));

        var streets = pack.StreetUnits.Select(u => new StreetUnitJson(
            u.Code, u.NameZh, u.DistrictAdcode, StreetUnitKinds.ToCode(u.Kind), u.Point.Lon, u.Point.Lat, u.Approximate));
        File.WriteAllBytes(Path.Combine(dir, StreetsFileName), JsonSerializer.SerializeToUtf8Bytes(streets, JsonOptions));
    }

    /// <summary>Reads a pack written by <see cref="Write"/>; bounds are recomputed from the geometry.</summary>
    /// <exception cref="InvalidOperationException">A file is missing or malformed.</exception>
    public static CityPack Read(string dir)
    {
        var districts = ReadDistricts(Path.Combine(dir, DistrictsFileName));
        var units = Parse(Path.Combine(dir, StreetsFileName), bytes =>
            (JsonSerializer.Deserialize<List<StreetUnitJson>>(bytes, JsonOptions) ?? throw new InvalidOperationException("expected a JSON array"))
                .Select(s => new StreetUnitSeed(
                    s.Code, s.Name, s.DistrictAdcode, StreetUnitKinds.Parse(s.Kind), new GeoPoint(s.Lon, s.Lat), s.Approximate))
                .ToList());
        return new CityPack(districts, units);
    }

    private static void WriteDistricts(IReadOnlyList<DistrictShape> districts, string path)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WriteStartArray("features");
        foreach (var district in districts)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "Feature");
            writer.WriteString("id", district.Adcode);
            writer.WriteStartObject("properties");
            writer.WriteString("adcode", district.Adcode);
            writer.WriteString("name", district.NameZh);
            writer.WritePropertyName("center");
            GeoJson.WritePosition(writer, district.Center);
            writer.WriteEndObject();
            writer.WritePropertyName("geometry");
            GeoJson.WriteGeometry(writer, district.Geometry);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static List<DistrictShape> ReadDistricts(string path) => Parse(path, bytes =>
    {
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.GetProperty("features").EnumerateArray()
            .Select(feature =>
            {
                var properties = feature.GetProperty("properties");
                var geometry = GeoJson.ReadGeometry(feature.GetProperty("geometry"));
                return new DistrictShape(
                    properties.GetProperty("adcode").GetString() ?? throw new InvalidOperationException("null adcode"),
                    properties.GetProperty("name").GetString() ?? throw new InvalidOperationException("null name"),
                    GeoJson.ReadPosition(properties.GetProperty("center")),
                    GeoMath.Bounds(geometry),
                    geometry);
            })
            .ToList();
    });

    // One place that turns "file missing" and "JSON not as written" into a message naming the file.
    private static T Parse<T>(string path, Func<byte[], T> parse)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} not found; build the city pack first (CommandCenter.Cli build-city-pack).");
        try
        {
            return parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new InvalidOperationException($"{path}: {e.Message}", e);
        }
    }

    private sealed record StreetUnitJson(
        string Code, string Name, string DistrictAdcode, string Kind, double Lon, double Lat, bool Approximate);
}
