using System.Text.Json;
using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Org;

/// <summary>One migrated database with the Beijing city pack loaded, shared by the tests of this class.</summary>
public sealed class LoadedCityDatabase : StartedCore;

public sealed class OrgStoreTests(LoadedCityDatabase city) : IClassFixture<LoadedCityDatabase>
{
    private OrgService Org => city.Services.GetRequiredService<OrgService>();

    [Fact]
    public async Task ListDistricts_LoadedPack_Has16DistrictsWithNamesAndCentres()
    {
        var districts = await Org.ListDistrictsAsync();

        Assert.Equal(16, districts.Count);
        Assert.Contains(districts, d => d is { Adcode: "110101", NameZh: "东城区", NameEn: "Dongcheng" });
        Assert.All(districts, d => Assert.InRange(d.Center.Lon, 115.42, 117.51));
        Assert.All(districts, d => Assert.InRange(d.Center.Lat, 39.44, 41.06));
        Assert.Equal(349, districts.Sum(d => d.StreetUnits));
        Assert.Equal(349, districts.Sum(d => d.Subdistricts + d.Areas + d.Towns + d.Townships + d.SpecialZones));
    }

    [Fact]
    public async Task StreetUnits_LoadedPack_Are349EachInsideItsDistrictPolygon()
    {
        await using var conn = new NpgsqlConnection(city.Db.ConnectionString);
        var boundaries = (await conn.QueryAsync<(string Adcode, string Boundary)>("select adcode, boundary::text from district"))
            .ToDictionary(r => r.Adcode, r => GeoJson.ReadGeometry(JsonDocument.Parse(r.Boundary).RootElement));

        var units = await Org.ListStreetUnitsAsync();

        Assert.Equal(349, units.Count);
        Assert.Equal(349, units.Select(u => u.Code).Distinct().Count());
        Assert.All(units, u => Assert.True(GeoMath.Contains(boundaries[u.DistrictAdcode], u.Point), $"{u.Code} {u.NameZh} lies outside {u.DistrictAdcode}"));
        Assert.All(units, u => Assert.True(u.LocationApproximate));
        Assert.Contains(units, u => u is { Code: "110101001", NameZh: "东华门街道", Kind: StreetUnitKind.Subdistrict });
    }

    [Fact]
    public async Task ImportCityPack_Again_ChangesNothing()
    {
        var before = await Org.ListStreetUnitsAsync();

        await Org.ImportCityPackAsync();

        Assert.Equal(before, await Org.ListStreetUnitsAsync());
    }

    [Fact]
    public async Task ListDepartments_Seeded_HasTheRealMunicipalDepartments()
    {
        var departments = await Org.ListDepartmentsAsync();

        Assert.True(departments.Count >= 14, $"only {departments.Count} departments");
        foreach (var name in new[] { "北京市城市管理委员会", "北京市城市管理综合行政执法局", "北京市交通委员会", "北京市住房和城乡建设委员会", "北京市水务局",
                     "北京市生态环境局", "北京市应急管理局", "北京市公安局公安交通管理局", "北京市市场监督管理局", "北京市园林绿化局", "北京市民政局",
                     "国网北京市电力公司", "北京市燃气集团", "北京市热力集团" })
            Assert.Contains(departments, d => d.NameZh == name);
        Assert.All(departments, d => Assert.False(string.IsNullOrWhiteSpace(d.NameEn)));
    }

    [Fact]
    public async Task ListCategories_Seeded_CoverFoundingExamplesWithOwnersAndTiers()
    {
        var categories = await Org.ListCategoriesAsync();
        var departments = (await Org.ListDepartmentsAsync()).Select(d => d.Code).ToHashSet();

        Assert.True(categories.Count >= 25, $"only {categories.Count} categories");
        foreach (var code in new[] { "private-parking-lock", "street-vending", "streetlight-out", "garbage", "road-damage", "road-not-handed-over" })
            Assert.Contains(categories, c => c.ServiceCode == code);
        Assert.All(categories, c => Assert.Contains(c.LeadDepartment, departments));
        Assert.All(categories, c => Assert.DoesNotContain(c.LeadDepartment, c.SupportDepartments));
        Assert.Equal(4, categories.Select(c => c.SlaTier).Distinct().Count());
        Assert.Equal(4, categories.Select(c => c.RiskDomain).Distinct().Count());
        var road = categories.Single(c => c.ServiceCode == "road-not-handed-over");
        Assert.True(road.SupportDepartments.Count >= 3, "the unfinished road needs several departments to act together");
    }
}
