using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Tests.Features.Org.Geo;

public class StreetUnitKindsTests
{
    [Theory]
    [InlineData("东华门街道", StreetUnitKind.Subdistrict)]
    [InlineData("南磨房地区", StreetUnitKind.Area)]
    [InlineData("长辛店镇", StreetUnitKind.Town)]
    [InlineData("长哨营满族乡", StreetUnitKind.Township)]
    [InlineData("珍珠泉乡", StreetUnitKind.Township)]
    [InlineData("大兴国际机场", StreetUnitKind.SpecialZone)]
    [InlineData("北京经济技术开发区", StreetUnitKind.SpecialZone)]
    [InlineData("中关村国家自主创新示范区大兴生物医药产业基地", StreetUnitKind.SpecialZone)]
    public void Classify_RealName_ReturnsKind(string name, StreetUnitKind expected)
    {
        Assert.Equal(expected, StreetUnitKinds.Classify(name));
    }

    [Theory]
    [InlineData(StreetUnitKind.Subdistrict, "subdistrict")]
    [InlineData(StreetUnitKind.Area, "area")]
    [InlineData(StreetUnitKind.Town, "town")]
    [InlineData(StreetUnitKind.Township, "township")]
    [InlineData(StreetUnitKind.SpecialZone, "special-zone")]
    public void ToCode_EachKind_IsKebabCaseAndParsesBack(StreetUnitKind kind, string code)
    {
        Assert.Equal(code, StreetUnitKinds.ToCode(kind));
        Assert.Equal(kind, StreetUnitKinds.Parse(code));
    }

    [Fact]
    public void ToCode_EveryEnumValue_HasACode()
    {
        Assert.All(Enum.GetValues<StreetUnitKind>(), k => Assert.Equal(k, StreetUnitKinds.Parse(StreetUnitKinds.ToCode(k))));
    }

    [Theory]
    [InlineData("SpecialZone")]
    [InlineData("Town")]
    [InlineData("")]
    public void Parse_UnknownCode_ThrowsFormatException(string code)
    {
        Assert.Throws<FormatException>(() => StreetUnitKinds.Parse(code));
    }
}
