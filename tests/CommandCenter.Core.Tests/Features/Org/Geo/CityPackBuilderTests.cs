using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public class CityPackBuilderTests
{
    [Fact]
    public void Build_RealNodeModules_Has16DistrictsAnd349Units()
    {
        var pack = GeoFixtures.BeijingPack;

        Assert.Equal(16, pack.Districts.Count);
        Assert.Equal(349, pack.StreetUnits.Count);
        Assert.Equal(pack.StreetUnits.Count, pack.StreetUnits.Select(u => u.Code).Distinct().Count());
        Assert.All(pack.StreetUnits, u => Assert.True(u.Approximate));
    }

    [Fact]
    public void Build_RealNodeModules_KindCountsMatchChinaDivision()
    {
        var counts = GeoFixtures.BeijingPack.StreetUnits.CountBy(u => u.Kind).ToDictionary();

        Assert.Equal(165, counts[StreetUnitKind.Subdistrict]);
        Assert.Equal(56, counts[StreetUnitKind.Area]);
        Assert.Equal(107, counts[StreetUnitKind.Town]);
        Assert.Equal(15, counts[StreetUnitKind.Township]);
        Assert.Equal(6, counts[StreetUnitKind.SpecialZone]);
    }

    [Fact]
    public void Build_RealNodeModules_EveryUnitInsideItsOwnDistrict()
    {
        var districts = GeoFixtures.BeijingPack.Districts.ToDictionary(d => d.Adcode);

        Assert.All(GeoFixtures.BeijingPack.StreetUnits, u =>
            Assert.True(GeoMath.Contains(districts[u.DistrictAdcode].Geometry, u.Point), $"{u.Code} {u.NameZh} at {u.Point}"));
    }

    [Fact]
    public void Build_RealNodeModules_DongchengCentreMovedFromGcjToWgs84()
    {
        var dongcheng = GeoFixtures.BeijingPack.Districts.Single(d => d.Adcode == "110101");
        var gcjCp = new GeoPoint(116.418757, 39.917544);

        Assert.Equal("东城区", dongcheng.NameZh);
        Assert.InRange(GeoFixtures.DistanceMetres(dongcheng.Center, gcjCp), 400, 700);
        Assert.True(dongcheng.Center.Lon < gcjCp.Lon && dongcheng.Center.Lat < gcjCp.Lat, $"{dongcheng.Center}");
        Assert.True(GeoMath.Contains(dongcheng.Geometry, dongcheng.Center));
    }

    [Fact]
    public void Build_RealNodeModules_CoordinatesRoundedAndBoundsMatchCityBox()
    {
        var pack = GeoFixtures.BeijingPack;
        var vertices = pack.Districts.SelectMany(d => GeoFixtures.Vertices(d.Geometry)).ToList();

        Assert.All(vertices, p => Assert.Equal(GeoMath.Round(p), p));
        Assert.All(pack.Districts, d => Assert.Equal(GeoMath.Bounds(d.Geometry), d.Bounds));
        // PLATFORM.md's map default box is [115.42, 39.44, 117.51, 41.06].
        Assert.Equal(115.42, vertices.Min(p => p.Lon), 2);
        Assert.Equal(39.44, vertices.Min(p => p.Lat), 2);
        Assert.Equal(117.51, vertices.Max(p => p.Lon), 2);
        Assert.Equal(41.06, vertices.Max(p => p.Lat), 2);
    }

    [Fact]
    public void Build_CalledTwice_ReturnsIdenticalUnits()
    {
        var again = CityPackBuilder.Build(GeoFixtures.NodeModules);

        Assert.Equal(GeoFixtures.BeijingPack.StreetUnits, again.StreetUnits);
    }

    [Fact]
    public void FromSources_UnitWithoutDistrictOutline_ThrowsNamingTheUnit()
    {
        const string streets = """
            [{"code":"110120001","name":"虚构街道","areaCode":"110120","cityCode":"1101","provinceCode":"11"}]
            """;

        var e = Assert.Throws<InvalidOperationException>(() => CityPackBuilder.FromSources(GeoFixtures.BeijingEChartsMap, streets));

        Assert.Contains("110120001", e.Message);
        Assert.Contains("110120", e.Message);
    }

    [Fact]
    public void FromSources_OtherProvinces_AreIgnored()
    {
        const string streets = """
            [{"code":"120101001","name":"劝业场街道","areaCode":"120101","cityCode":"1201","provinceCode":"12"},
             {"code":"110101001","name":"东华门街道","areaCode":"110101","cityCode":"1101","provinceCode":"11"}]
            """;

        var pack = CityPackBuilder.FromSources(GeoFixtures.BeijingEChartsMap, streets);

        var unit = Assert.Single(pack.StreetUnits);
        Assert.Equal(("110101001", "110101", StreetUnitKind.Subdistrict), (unit.Code, unit.DistrictAdcode, unit.Kind));
    }

    [Fact]
    public void Build_MissingNodeModules_ThrowsWithPath()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"no-node-modules-{Guid.NewGuid():N}");

        var e = Assert.Throws<InvalidOperationException>(() => CityPackBuilder.Build(dir));

        Assert.Contains(dir, e.Message);
    }
}
