using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Tests.Features.Org.Geo;
using CommandCenter.Testing;

namespace CommandCenter.Core.Tests.Features.Incidents;

public sealed class IncidentLocatorTests
{
    private static readonly Lazy<CityPack> pack = new(() => CityPackFile.Read(Path.Combine(RepoPaths.Root, "wwwroot", "geo")));
    private static readonly Lazy<IncidentLocator> locator = new(() => IncidentLocator.FromPack(Pack));

    private static CityPack Pack => pack.Value;
    private static IncidentLocator Locator => locator.Value;

    private static readonly GeoPoint Tiananmen = new(116.3975, 39.9087);

    [Theory]
    [InlineData(116.3975, 39.9087, "110101")] // Tiananmen, 东城
    [InlineData(116.30, 39.96, "110108")]     // 海淀
    [InlineData(115.975, 40.456, "110119")]   // 延庆 town
    public void Locate_PointInDistrict_ReturnsDistrict(double lon, double lat, string adcode)
    {
        var located = AssertLocated(Locator.Locate(new GeoPoint(lon, lat)));

        Assert.Equal(adcode, located.DistrictAdcode);
        Assert.Equal(new GeoPoint(lon, lat), located.Wgs84);
    }

    [Fact]
    public void Locate_Tianjin_RejectedAsOutsideCity()
    {
        var rejected = AssertRejected(Locator.Locate(new GeoPoint(117.2, 39.1)));

        Assert.Equal(LocationRejection.OutsideCity, rejected.Code);
        Assert.Contains("outside the city's districts", rejected.Reason);
    }

    [Theory]
    [InlineData(double.NaN, 39.9)]
    [InlineData(116.4, double.NaN)]
    [InlineData(double.PositiveInfinity, 39.9)]
    [InlineData(116.4, 95)]
    [InlineData(181, 39.9)]
    public void Locate_InvalidCoordinates_Rejected(double lon, double lat)
    {
        var rejected = AssertRejected(Locator.Locate(new GeoPoint(lon, lat), Datum.Gcj02));

        Assert.Equal(LocationRejection.InvalidCoordinates, rejected.Code);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Reason));
    }

    [Theory]
    [InlineData(116.3975, 39.9087)]
    [InlineData(116.30, 39.96)]
    [InlineData(115.975, 40.456)]
    public void Locate_Gcj02Input_SameDistrictAndWgs84Point(double lon, double lat)
    {
        var wgs84 = new GeoPoint(lon, lat);
        var gcj02 = Gcj02.FromWgs84(wgs84);
        Assert.True(GeoFixtures.DistanceMetres(wgs84, gcj02) > 100, "GCJ-02 should be offset by hundreds of metres here");

        var fromWgs = AssertLocated(Locator.Locate(wgs84));
        var fromGcj = AssertLocated(Locator.Locate(gcj02, Datum.Gcj02));

        Assert.Equal(fromWgs.DistrictAdcode, fromGcj.DistrictAdcode);
        Assert.Equal(wgs84.Lon, fromGcj.Wgs84.Lon, 1e-5);
        Assert.Equal(wgs84.Lat, fromGcj.Wgs84.Lat, 1e-5);
    }

    [Fact]
    public void Locate_SuppliedCodeInPointsDistrict_Supplied()
    {
        var located = AssertLocated(Locator.Locate(Tiananmen, suppliedStreetCode: "110101001"));

        Assert.Equal(("110101", "110101001", StreetSource.Supplied), (located.DistrictAdcode, located.StreetCode, located.Source));
    }

    [Fact]
    public void Locate_SuppliedCodeOfOtherDistrict_Rejected()
    {
        var rejected = AssertRejected(Locator.Locate(Tiananmen, suppliedStreetCode: "110108001"));

        Assert.Equal(LocationRejection.StreetCodeInOtherDistrict, rejected.Code);
        Assert.Contains("110108001", rejected.Reason);
        Assert.Contains("110101", rejected.Reason);
    }

    [Fact]
    public void Locate_UnknownSuppliedCode_Rejected()
    {
        var rejected = AssertRejected(Locator.Locate(Tiananmen, suppliedStreetCode: "110101999"));

        Assert.Equal(LocationRejection.UnknownStreetCode, rejected.Code);
        Assert.Contains("110101999", rejected.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Locate_NoSuppliedCode_Nearest(string? code)
    {
        var located = AssertLocated(Locator.Locate(Tiananmen, suppliedStreetCode: code));

        Assert.Equal(StreetSource.Nearest, located.Source);
        Assert.StartsWith("110101", located.StreetCode);
    }

    [Theory]
    [InlineData(116.3975, 39.9087)]
    [InlineData(116.30, 39.96)]
    [InlineData(115.975, 40.456)]
    [InlineData(116.65, 39.91)]  // 通州
    [InlineData(116.85, 40.38)]  // 密云
    public void Locate_NoCode_ReturnsUnitAtMinimumDistanceInDistrict(double lon, double lat)
    {
        var point = new GeoPoint(lon, lat);

        var located = AssertLocated(Locator.Locate(point));

        var candidates = Pack.StreetUnits.Where(u => u.DistrictAdcode == located.DistrictAdcode).ToList();
        var minimum = candidates.Min(u => GeoFixtures.DistanceMetres(point, u.Point));
        var chosen = Assert.Single(candidates, u => u.Code == located.StreetCode);
        // Haversine brute force; the locator's equirectangular metric may differ by centimetres at most.
        Assert.InRange(GeoFixtures.DistanceMetres(point, chosen.Point), minimum, minimum + 0.5);
        Assert.Equal(StreetSource.Nearest, located.Source);
    }

    [Fact]
    public void Locate_EveryUnitPoint_OwnDistrictAndItselfAsNearest()
    {
        Assert.Equal(349, Pack.StreetUnits.Count);
        Assert.Equal(16, Pack.Districts.Count);

        foreach (var unit in Pack.StreetUnits)
        {
            var located = AssertLocated(Locator.Locate(unit.Point));
            Assert.Equal((unit.Code, unit.DistrictAdcode, StreetSource.Nearest),
                (located.StreetCode, located.DistrictAdcode, located.Source));
        }
    }

    private static LocationResult.Located AssertLocated(LocationResult result) =>
        result as LocationResult.Located
            ?? throw new Xunit.Sdk.XunitException($"Expected Located, got {result}");

    private static LocationResult.Rejected AssertRejected(LocationResult result) =>
        Assert.IsType<LocationResult.Rejected>(result);
}
