using System.Text;
using System.Text.Json;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public sealed class CityPackFileTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"citypack-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Read_AfterWrite_ReturnsEqualPack()
    {
        var pack = GeoFixtures.BeijingPack;

        CityPackFile.Write(pack, dir);
        var read = CityPackFile.Read(dir);

        Assert.Equal(pack.StreetUnits, read.StreetUnits);
        Assert.Equal(pack.Districts.Count, read.Districts.Count);
        foreach (var (expected, actual) in pack.Districts.Zip(read.Districts))
        {
            Assert.Equal((expected.Adcode, expected.NameZh, expected.Center, expected.Bounds),
                (actual.Adcode, actual.NameZh, actual.Center, actual.Bounds));
            Assert.Equal(expected.Geometry.Polygons.Count, actual.Geometry.Polygons.Count);
            foreach (var (e, a) in expected.Geometry.Polygons.Zip(actual.Geometry.Polygons))
            {
                Assert.Equal(e.Count, a.Count);
                foreach (var (er, ar) in e.Zip(a))
                    Assert.Equal(er, ar);
            }
        }
    }

    [Fact]
    public void Write_Districts_IsCompactGeoJsonWithUnescapedChinese()
    {
        CityPackFile.Write(GeoFixtures.BeijingPack, dir);
        var text = File.ReadAllText(Path.Combine(dir, CityPackFile.DistrictsFileName), Encoding.UTF8);

        Assert.Contains("\"name\":\"东城区\"", text);
        Assert.DoesNotContain("\\u", text);
        Assert.DoesNotContain("\n", text);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        var features = doc.RootElement.GetProperty("features");
        Assert.Equal(16, features.GetArrayLength());
        var chaoyang = features.EnumerateArray().Single(f => f.GetProperty("id").GetString() == "110105");
        Assert.Equal("110105", chaoyang.GetProperty("properties").GetProperty("adcode").GetString());
        Assert.Equal(2, chaoyang.GetProperty("properties").GetProperty("center").GetArrayLength());
        Assert.Equal("MultiPolygon", chaoyang.GetProperty("geometry").GetProperty("type").GetString());
    }

    [Fact]
    public void Write_Streets_HasAgreedShape()
    {
        CityPackFile.Write(GeoFixtures.BeijingPack, dir);
        var text = File.ReadAllText(Path.Combine(dir, CityPackFile.StreetsFileName), Encoding.UTF8);

        using var doc = JsonDocument.Parse(text);
        var first = doc.RootElement[0];
        Assert.Equal(
            ["code", "name", "districtAdcode", "kind", "lon", "lat", "approximate"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("东华门街道", first.GetProperty("name").GetString());
        Assert.Equal("subdistrict", first.GetProperty("kind").GetString());
        Assert.Contains("\"kind\":\"special-zone\"", text);
        Assert.True(first.GetProperty("approximate").GetBoolean());
    }

    [Fact]
    public void Read_MissingDirectory_ThrowsInvalidOperation()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CityPackFile.Read(dir));

        Assert.Contains(CityPackFile.DistrictsFileName, e.Message);
    }

    [Fact]
    public void Read_UnknownKind_ThrowsNamingTheFile()
    {
        CityPackFile.Write(GeoFixtures.BeijingPack, dir);
        var path = Path.Combine(dir, CityPackFile.StreetsFileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"kind\":\"town\"", "\"kind\":\"village\""));

        var e = Assert.Throws<InvalidOperationException>(() => CityPackFile.Read(dir));

        Assert.Contains(CityPackFile.StreetsFileName, e.Message);
    }
}
