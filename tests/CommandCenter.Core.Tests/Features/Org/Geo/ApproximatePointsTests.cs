using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public class ApproximatePointsTests
{
    // An L shape: its bounding box is a quarter empty, so rejection actually happens.
    private static readonly GeoMultiPolygon LShape = new(
    [
        [GeoFixtures.Ring((116.0, 39.0), (116.2, 39.0), (116.2, 39.1), (116.1, 39.1), (116.1, 39.2), (116.0, 39.2))],
    ]);

    [Fact]
    public void Generate_SameInput_ReturnsSamePoints()
    {
        Assert.Equal(ApproximatePoints.Generate(LShape, 40), ApproximatePoints.Generate(LShape, 40));
    }

    [Fact]
    public void Generate_LShape_EveryPointInsideAndDistinct()
    {
        var points = ApproximatePoints.Generate(LShape, 40);

        Assert.Equal(40, points.Count);
        Assert.All(points, p => Assert.True(GeoMath.Contains(LShape, p), $"{p} outside"));
        Assert.Equal(points.Count, points.Distinct().Count());
    }

    [Fact]
    public void Generate_ShorterCount_IsPrefixOfLonger()
    {
        Assert.Equal(ApproximatePoints.Generate(LShape, 40).Take(7), ApproximatePoints.Generate(LShape, 7));
    }

    [Fact]
    public void Generate_TwelvePoints_SpreadOverEveryArmOfTheShape()
    {
        var points = ApproximatePoints.Generate(LShape, 12);

        Assert.Contains(points, p => p.Lon > 116.1);  // east arm
        Assert.Contains(points, p => p.Lat > 39.1);   // north arm
        Assert.Contains(points, p => p is { Lon: < 116.1, Lat: < 39.1 });  // corner
    }

    [Fact]
    public void Assign_UnsortedCodes_GivesPointsInCodeOrder()
    {
        var points = ApproximatePoints.Generate(LShape, 3);

        var assigned = ApproximatePoints.Assign(LShape, ["110101003", "110101001", "110101002"]);

        Assert.Equal(points[0], assigned["110101001"]);
        Assert.Equal(points[1], assigned["110101002"]);
        Assert.Equal(points[2], assigned["110101003"]);
    }

    [Fact]
    public void Generate_ZeroAreaShape_Throws()
    {
        var line = new GeoMultiPolygon([[GeoFixtures.Ring((116.0, 39.0), (116.1, 39.0), (116.2, 39.0))]]);

        Assert.Throws<InvalidOperationException>(() => ApproximatePoints.Generate(line, 1));
    }
}
