using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public class GeoMathTests
{
    // A 4°×4° square with a 2°×2° hole in the middle, plus a separate 1° island to the east.
    private static readonly GeoMultiPolygon Shape = new(
    [
        [GeoFixtures.Square(0, 0, 4), GeoFixtures.Square(1, 1, 2)],
        [GeoFixtures.Square(10, 0, 1)],
    ]);

    [Theory]
    [InlineData(0.5, 0.5, true)]    // ring, outside the hole
    [InlineData(3.5, 2, true)]
    [InlineData(2, 2, false)]       // inside the hole
    [InlineData(1.5, 2.5, false)]
    [InlineData(10.5, 0.5, true)]   // island
    [InlineData(5, 2, false)]       // between the polygons
    [InlineData(-1, 2, false)]
    public void Contains_SquareWithHoleAndIsland_RespectsHole(double lon, double lat, bool expected)
    {
        Assert.Equal(expected, GeoMath.Contains(Shape, new GeoPoint(lon, lat)));
    }

    [Fact]
    public void Bounds_MultiPolygon_CoversEveryPolygon()
    {
        Assert.Equal(new GeoBounds(0, 0, 11, 4), GeoMath.Bounds(Shape));
    }

    [Fact]
    public void Bounds_EmptyShape_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => GeoMath.Bounds(new GeoMultiPolygon([])));
    }

    [Fact]
    public void Centroid_SquareWithOffCentreHole_MovesAwayFromHole()
    {
        var shape = new GeoMultiPolygon([[GeoFixtures.Square(0, 0, 4), GeoFixtures.Square(0.5, 0.5, 1)]]);

        var centroid = GeoMath.Centroid(shape);

        // Area 16 at (2,2) minus area 1 at (1,1): (32 - 1) / 15.
        Assert.Equal(31.0 / 15, centroid.Lon, 9);
        Assert.Equal(31.0 / 15, centroid.Lat, 9);
    }

    [Fact]
    public void Centroid_ClockwiseRing_SameAsCounterClockwise()
    {
        var ccw = GeoFixtures.Square(116, 39, 1);
        var cw = ccw.Reverse().ToList();

        Assert.Equal(GeoMath.Centroid(new([[ccw]])), GeoMath.Centroid(new([[cw]])));
    }

    [Fact]
    public void Round_Coordinates_KeepsSixDecimals()
    {
        Assert.Equal(new GeoPoint(116.123457, 39.987654), GeoMath.Round(new GeoPoint(116.1234567, 39.9876543)));
    }
}
