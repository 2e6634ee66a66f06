using CommandCenter.Core.Features.Identity;

namespace CommandCenter.Core.Tests.Features.Identity;

public sealed class AccessScopeTests
{
    private const string Dongcheng = "110101";
    private const string Xicheng = "110102";

    [Theory]
    [InlineData(Roles.Commander)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.WallDisplay)]
    [InlineData(Roles.Department)]
    [InlineData(Roles.ApiClient)]
    public void CanReadDistrict_CityWideRole_ReadsEveryDistrict(string role)
    {
        var scope = AccessScope.For(role);

        Assert.True(scope.IsCityWide);
        Assert.Null(scope.DistrictFilter);
        Assert.True(scope.CanReadDistrict(Dongcheng));
        Assert.True(scope.CanReadDistrict(Xicheng));
    }

    [Fact]
    public void CanReadDistrict_CityWideRoleWithADistrict_IsNotNarrowedByIt()
    {
        var scope = new AccessScope(new HashSet<string> { Roles.Commander, Roles.Liaison }, DistrictAdcode: Dongcheng);

        Assert.Null(scope.DistrictFilter);
        Assert.True(scope.CanReadDistrict(Xicheng));
    }

    [Fact]
    public void CanReadDistrict_Liaison_OnlyItsOwnDistrict()
    {
        var scope = new AccessScope(new HashSet<string> { Roles.Liaison }, DistrictAdcode: Dongcheng);

        Assert.False(scope.IsCityWide);
        Assert.Equal(Dongcheng, scope.DistrictFilter);
        Assert.True(scope.CanReadDistrict(Dongcheng));
        Assert.False(scope.CanReadDistrict(Xicheng));
    }

    [Fact]
    public void CanReadDistrict_Street_OnlyTheDistrictOfItsStreet()
    {
        var scope = new AccessScope(new HashSet<string> { Roles.Street }, StreetCode: "110102003");

        Assert.Equal(Xicheng, scope.DistrictFilter);
        Assert.True(scope.CanReadDistrict(Xicheng));
        Assert.False(scope.CanReadDistrict(Dongcheng));
    }

    [Fact]
    public void CanReadDistrict_NoRole_NoDistrict()
    {
        var scope = new AccessScope(new HashSet<string>(), DistrictAdcode: Dongcheng, StreetCode: "110101001");

        Assert.False(scope.IsCityWide);
        Assert.NotNull(scope.DistrictFilter);
        Assert.False(scope.CanReadDistrict(Dongcheng));
        Assert.False(scope.CanReadDistrict(Xicheng));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("110101")]
    [InlineData("1101010011")]
    public void CanReadDistrict_StreetWithoutAValidStreetCode_NoDistrict(string? streetCode)
    {
        var scope = new AccessScope(new HashSet<string> { Roles.Street }, StreetCode: streetCode);

        Assert.False(scope.CanReadDistrict(Dongcheng));
        Assert.False(scope.CanReadDistrict(Xicheng));
    }

    [Fact]
    public void CanReadDistrict_LiaisonWithoutDistrict_NoDistrict()
    {
        // A liaison's scope is its district; without one it must see nothing, not the whole city.
        var scope = new AccessScope(new HashSet<string> { Roles.Liaison });

        Assert.False(scope.CanReadDistrict(Dongcheng));
        Assert.False(scope.CanReadDistrict(Xicheng));
    }

    [Fact]
    public void EnsureDistrict_OutsideScope_ThrowsAccessDenied()
    {
        var scope = new AccessScope(new HashSet<string> { Roles.Liaison }, DistrictAdcode: Dongcheng);

        var denied = Assert.Throws<AccessDeniedException>(() => scope.EnsureDistrict(Xicheng));
        Assert.Contains(Xicheng, denied.Message);
    }

    [Fact]
    public void EnsureDistrict_InsideScope_DoesNotThrow()
    {
        new AccessScope(new HashSet<string> { Roles.Liaison }, DistrictAdcode: Dongcheng).EnsureDistrict(Dongcheng);
        AccessScope.For(Roles.Commander).EnsureDistrict(Xicheng);
    }

    [Fact]
    public void EnsureDistrict_NoRole_ThrowsAccessDenied()
    {
        Assert.Throws<AccessDeniedException>(() => AccessScope.For().EnsureDistrict(Dongcheng));
    }
}
