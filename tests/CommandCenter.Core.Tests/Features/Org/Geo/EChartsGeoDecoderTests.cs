using System.Text;
using System.Text.Json;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public class EChartsGeoDecoderTests
{
    private const double Quantum = 1.0 / 1024;

    private static readonly IReadOnlyList<GeoPoint> KnownRing =
    [
        new(116.391, 39.907), new(116.418757, 39.917544), new(116.5, 40.2), new(115.98, 40.47), new(116.2, 39.6), new(116.391, 39.907),
    ];

    [Fact]
    public void DecodeRing_TestEncoderOutput_ReturnsCoordinatesWithinOneQuantum()
    {
        var (encoded, offset) = Encode(KnownRing);

        var decoded = EChartsGeoDecoder.DecodeRing(encoded, offset[0], offset[1]);

        Assert.Equal(KnownRing.Count, decoded.Count);
        foreach (var (expected, actual) in KnownRing.Zip(decoded))
        {
            Assert.InRange(Math.Abs(actual.Lon - expected.Lon), 0, Quantum);
            Assert.InRange(Math.Abs(actual.Lat - expected.Lat), 0, Quantum);
        }
    }

    [Fact]
    public void Decode_EncodedPolygonAndMultiPolygon_ReturnsBothShapes()
    {
        var hole = GeoFixtures.Square(116.3, 39.8, 0.1);
        var outer = GeoFixtures.Square(116.2, 39.7, 0.4);
        var island = GeoFixtures.Square(117.0, 40.0, 0.05);
        var json = EncodedCollection(
            ("110101", "东城区", [[outer, hole]]),
            ("110105", "朝阳区", [[outer], [island]]));

        var features = EChartsGeoDecoder.Decode(json);

        Assert.Collection(features,
            f =>
            {
                Assert.Equal(("110101", "东城区"), (f.Adcode, f.NameZh));
                Assert.Equal(new GeoPoint(1, 2), f.Center);
                Assert.Single(f.Geometry.Polygons);
                Assert.Equal(2, f.Geometry.Polygons[0].Count);
                AssertClose(hole, f.Geometry.Polygons[0][1]);
            },
            f =>
            {
                Assert.Equal("110105", f.Adcode);
                Assert.Equal(2, f.Geometry.Polygons.Count);
                AssertClose(island, f.Geometry.Polygons[1][0]);
            });
    }

    [Fact]
    public void Decode_PlainGeoJson_ReadsNumericCoordinatesAndComputesMissingCentre()
    {
        const string json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":110101,"properties":{"name":"东城区"},
               "geometry":{"type":"Polygon","coordinates":[[[116,39],[117,39],[117,40],[116,40],[116,39]]]}}]}
            """;

        var feature = Assert.Single(EChartsGeoDecoder.Decode(json));

        Assert.Equal("110101", feature.Adcode);
        Assert.Equal(new GeoPoint(117, 40), feature.Geometry.Polygons[0][0][2]);
        Assert.Equal(116.5, feature.Center.Lon, 9);
        Assert.Equal(39.5, feature.Center.Lat, 9);
    }

    [Fact]
    public void Decode_BeijingNpmFile_Returns16DistrictsWithDongchengCp()
    {
        var features = EChartsGeoDecoder.Decode(GeoFixtures.BeijingEChartsMap);

        string[] expected =
        [
            "110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
            "110112", "110113", "110114", "110115", "110116", "110117", "110118", "110119",
        ];
        Assert.Equal(expected, features.Select(f => f.Adcode).Order(StringComparer.Ordinal));
        var dongcheng = features.Single(f => f.Adcode == "110101");
        Assert.Equal("东城区", dongcheng.NameZh);
        Assert.Equal(new GeoPoint(116.418757, 39.917544), dongcheng.Center);
        Assert.Equal(9116, features.Sum(f => GeoMath.VertexCount(f.Geometry)));
        // Every cp sits inside its own outline: a decoding error would scatter the vertices.
        Assert.All(features, f => Assert.True(GeoMath.Contains(f.Geometry, f.Center), f.NameZh));
    }

    [Fact]
    public void DecodeRing_OddLength_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => EChartsGeoDecoder.DecodeRing("@@A", 0, 0));
    }

    private static void AssertClose(IReadOnlyList<GeoPoint> expected, IReadOnlyList<GeoPoint> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.InRange(Math.Abs(a.Lon - e.Lon), 0, Quantum);
            Assert.InRange(Math.Abs(a.Lat - e.Lat), 0, Quantum);
        }
    }

    private static string EncodedCollection(params (string Id, string Name, IReadOnlyList<IReadOnlyList<GeoPoint>>[] Polygons)[] features)
    {
        var items = features.Select(f =>
        {
            var encoded = f.Polygons.Select(p => p.Select(Encode).ToList()).ToList();
            var single = encoded.Count == 1;
            object coordinates = single
                ? encoded[0].Select(r => r.Text)
                : encoded.Select(p => p.Select(r => r.Text));
            object offsets = single
                ? encoded[0].Select(r => r.Offset)
                : encoded.Select(p => p.Select(r => r.Offset));
            return new
            {
                id = f.Id,
                type = "Feature",
                geometry = new { type = single ? "Polygon" : "MultiPolygon", coordinates, encodeOffsets = offsets },
                properties = new { cp = new[] { 1.0, 2.0 }, name = f.Name, childNum = encoded.Count },
            };
        });
        return JsonSerializer.Serialize(new { type = "FeatureCollection", features = items, UTF8Encoding = true });
    }

    /// <summary>The inverse of echarts' decodePolygon: quantise ×1024, delta, zigzag, +64 as a char.</summary>
    private static (string Text, long[] Offset) Encode(IReadOnlyList<GeoPoint> ring)
    {
        var quantised = ring.Select(p => (X: (long)Math.Round(p.Lon * 1024), Y: (long)Math.Round(p.Lat * 1024))).ToList();
        var text = new StringBuilder();
        var (prevX, prevY) = quantised[0];
        foreach (var (x, y) in quantised)
        {
            text.Append(ZigZagChar(x - prevX)).Append(ZigZagChar(y - prevY));
            (prevX, prevY) = (x, y);
        }
        return (text.ToString(), [quantised[0].X, quantised[0].Y]);
    }

    private static char ZigZagChar(long delta) => checked((char)(((delta << 1) ^ (delta >> 63)) + 64));
}
