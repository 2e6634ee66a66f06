using System.Text.Json;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public class GeoJsonTests
{
    [Fact]
    public void Geometry_OnePolygonOrMany_WritesPolygonOrMultiPolygon()
    {
        var single = GeoJson.Geometry(new GeoMultiPolygon([[GeoFixtures.Square(0, 0, 1)]]));
        var multi = GeoJson.Geometry(new GeoMultiPolygon([[GeoFixtures.Square(0, 0, 1)], [GeoFixtures.Square(10, 0, 1)]]));

        Assert.Equal("Polygon", (string?)single["type"]);
        Assert.Equal(1.0, (double?)single["coordinates"]![0]![1]![0]);
        Assert.Equal("MultiPolygon", (string?)multi["type"]);
        Assert.Equal(10.0, (double?)multi["coordinates"]![1]![0]![0]![0]);
    }

    [Fact]
    public void ReadGeometry_SerializedGeometry_ReturnsSameShape()
    {
        var shape = new GeoMultiPolygon([[GeoFixtures.Square(116, 39, 0.5), GeoFixtures.Square(116.1, 39.1, 0.1)]]);

        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(GeoJson.Geometry(shape)));
        var read = GeoJson.ReadGeometry(doc.RootElement);

        Assert.Equal(shape.Polygons[0][0], read.Polygons[0][0]);
        Assert.Equal(shape.Polygons[0][1], read.Polygons[0][1]);
    }
}
