using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public class Gcj02Tests
{
    private static readonly GeoPoint Tiananmen = new(116.391, 39.907);

    [Fact]
    public void FromWgs84_Tiananmen_ShiftsNorthEastBy400To700Metres()
    {
        var gcj = Gcj02.FromWgs84(Tiananmen);

        Assert.InRange(GeoFixtures.DistanceMetres(Tiananmen, gcj), 400, 700);
        Assert.True(gcj.Lon > Tiananmen.Lon && gcj.Lat > Tiananmen.Lat, $"{gcj}");
    }

    [Fact]
    public void ToWgs84_OfForwardTiananmen_ReturnsOriginalWithin1e6()
    {
        var back = Gcj02.ToWgs84(Gcj02.FromWgs84(Tiananmen));

        Assert.InRange(Math.Abs(back.Lon - Tiananmen.Lon), 0, 1e-6);
        Assert.InRange(Math.Abs(back.Lat - Tiananmen.Lat), 0, 1e-6);
    }

    [Fact]
    public void ToWgs84_GridOverBeijing_IsExactInverseWithin1e6()
    {
        for (var lon = 115.4; lon <= 117.6; lon += 0.1)
        {
            for (var lat = 39.4; lat <= 41.1; lat += 0.1)
            {
                var gcj = new GeoPoint(lon, lat);
                var forward = Gcj02.FromWgs84(Gcj02.ToWgs84(gcj));
                Assert.InRange(Math.Abs(forward.Lon - gcj.Lon), 0, 1e-6);
                Assert.InRange(Math.Abs(forward.Lat - gcj.Lat), 0, 1e-6);
            }
        }
    }

    [Fact]
    public void ToWgs84_BeijingPoint_BeatsOneStepApproximation()
    {
        var gcj = new GeoPoint(116.418757, 39.917544);
        var oneStepForward = Gcj02.FromWgs84(gcj);
        var oneStep = new GeoPoint(2 * gcj.Lon - oneStepForward.Lon, 2 * gcj.Lat - oneStepForward.Lat);

        var exact = Gcj02.ToWgs84(gcj);

        Assert.True(Error(exact, gcj) < 1e-9, $"exact error {Error(exact, gcj)}");
        Assert.True(Error(oneStep, gcj) > Error(exact, gcj), "iteration should improve on one step");
    }

    [Theory]
    [InlineData(2.35, 48.85)]   // Paris
    [InlineData(-74.0, 40.7)]   // New York
    public void FromWgs84_OutsideChina_ReturnsSamePoint(double lon, double lat)
    {
        var p = new GeoPoint(lon, lat);

        Assert.Equal(p, Gcj02.FromWgs84(p));
        Assert.Equal(p, Gcj02.ToWgs84(p));
    }

    private static double Error(GeoPoint wgs, GeoPoint gcj)
    {
        var forward = Gcj02.FromWgs84(wgs);
        return Math.Max(Math.Abs(forward.Lon - gcj.Lon), Math.Abs(forward.Lat - gcj.Lat));
    }
}
