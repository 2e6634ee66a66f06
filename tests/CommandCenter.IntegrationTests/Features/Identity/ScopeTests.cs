using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Identity;

/// <summary>Core enforces scope itself: whatever page or API asks, a liaison only gets its district.</summary>
public sealed class ScopeTests(IdentityDatabase db) : IClassFixture<IdentityDatabase>
{
    private OrgService Org => db.Services.GetRequiredService<OrgService>();

    private async Task<AccessScope> LiaisonOfDongchengAsync() => (await db.NewUserAsync(Roles.Liaison, district: "110101")).Scope;

    [Fact]
    public async Task GetDistrict_LiaisonOtherDistrict_ThrowsAccessDenied()
    {
        var liaison = await LiaisonOfDongchengAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Org.GetDistrictAsync(liaison, "110102"));
        var own = await Org.GetDistrictAsync(liaison, "110101");
        Assert.Equal("110101", own?.District.Adcode);
        Assert.NotEmpty(own!.StreetUnits);
    }

    [Fact]
    public async Task ListStreetUnits_LiaisonAskingForOtherDistrict_ThrowsAccessDenied()
    {
        var liaison = await LiaisonOfDongchengAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Org.ListStreetUnitsAsync(liaison, "110102"));
    }

    [Fact]
    public async Task ListStreetUnits_LiaisonUnfiltered_OnlyItsDistrict()
    {
        var liaison = await LiaisonOfDongchengAsync();

        var units = await Org.ListStreetUnitsAsync(liaison);

        Assert.NotEmpty(units);
        Assert.All(units, u => Assert.Equal("110101", u.DistrictAdcode));
        Assert.Equal((await Org.ListStreetUnitsAsync("110101")).Count, units.Count);
    }

    [Fact]
    public async Task ListStreetUnits_StreetAccountUnfiltered_OnlyItsStreetsDistrict()
    {
        var street = (await db.NewUserAsync(Roles.Street, street: "110105001")).Scope;

        var units = await Org.ListStreetUnitsAsync(street);

        Assert.NotEmpty(units);
        Assert.All(units, u => Assert.Equal("110105", u.DistrictAdcode));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Org.GetDistrictAsync(street, "110101"));
    }

    [Fact]
    public async Task ListStreetUnits_Commander_ReadsAll349AndAnyDistrict()
    {
        var commander = (await db.NewUserAsync(Roles.Commander)).Scope;

        Assert.Equal(349, (await Org.ListStreetUnitsAsync(commander)).Count);
        Assert.Equal("110102", (await Org.GetDistrictAsync(commander, "110102"))?.District.Adcode);
        Assert.All(await Org.ListStreetUnitsAsync(commander, "110102"), u => Assert.Equal("110102", u.DistrictAdcode));
    }
}
