using System.Security.Claims;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Features.Identity;

namespace CommandCenter.Web.Tests.Features.Identity;

public sealed class OpenIdConnectSettingsTests
{
    private static ClaimsPrincipal External(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    [Fact]
    public void ToDraft_LiaisonClaims_MapsToLocalLiaisonOfThatDistrict()
    {
        var sso = new OpenIdConnectSettings();

        var (subject, draft) = sso.ToDraft(External(("sub", "a1b2"), ("preferred_username", "Zhang.Wei@BJ"), ("name", "张伟"),
            ("roles", "liaison"), ("district", "110105")));

        Assert.Equal("a1b2", subject);
        Assert.Equal("sso-zhang.wei-bj", draft.UserName);
        Assert.Equal("张伟", draft.DisplayName);
        Assert.Equal([Roles.Liaison], draft.Roles);
        Assert.Equal("110105", draft.DistrictAdcode);
    }

    [Fact]
    public void ToDraft_RoleMapAndUnknownRoles_KeepsOnlyMappedKnownRoles()
    {
        var sso = new OpenIdConnectSettings { RoleMap = new(StringComparer.OrdinalIgnoreCase) { ["CC-Duty-Commander"] = Roles.Commander } };

        var (_, draft) = sso.ToDraft(External(("sub", "x"), ("roles", "cc-duty-commander"), ("roles", "superuser"), ("roles", "WALL")));

        Assert.Equal([Roles.Commander], draft.Roles);
    }

    [Fact]
    public void ToDraft_NoSubject_IsRejected()
    {
        Assert.Throws<IdentityValidationException>(() => new OpenIdConnectSettings().ToDraft(External(("name", "nobody"))));
    }
}
