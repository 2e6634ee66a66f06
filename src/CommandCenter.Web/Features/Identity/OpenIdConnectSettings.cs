using System.Security.Claims;
using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.Web.Features.Identity;

/// <summary>Optional single sign-on (section "Authentication:OpenIdConnect"); off by default.</summary>
public sealed partial class OpenIdConnectSettings
{
    public const string Section = "Authentication:OpenIdConnect";

    public bool Enabled { get; set; }
    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string? ClientSecret { get; set; }
    public bool RequireHttpsMetadata { get; set; } = true;
    public string[] Scopes { get; set; } = ["openid", "profile"];
    /// <summary>The button text on the sign-in page, e.g. the name of the city's identity platform.</summary>
    public string DisplayName { get; set; } = "统一身份认证 SSO";

    public string UserNameClaim { get; set; } = "preferred_username";
    public string DisplayNameClaim { get; set; } = "name";
    public string RoleClaim { get; set; } = "roles";
    public string DistrictClaim { get; set; } = "district";
    public string StreetClaim { get; set; } = "street";
    public string DepartmentClaim { get; set; } = "department";
    /// <summary>External role value → our role (commander, supervisor, liaison, street, department, admin). Unmapped values are ignored.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Turns the identity provider's claims into the local account they stand for.</summary>
    public (string Subject, UserDraft Draft) ToDraft(ClaimsPrincipal external)
    {
        var subject = external.FindFirstValue("sub") ?? external.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new IdentityValidationException("The identity provider sent no subject.");
        var name = external.FindFirstValue(UserNameClaim) ?? subject;
        var userName = "sso-" + NotAllowed().Replace(name.ToLowerInvariant(), "-").Trim('-');
        var roles = external.FindAll(RoleClaim).Concat(external.FindAll(ClaimTypes.Role))
            .Select(c => RoleMap.TryGetValue(c.Value, out var mapped) ? mapped : c.Value.ToLowerInvariant())
            .Where(r => Roles.ForUsers.Contains(r)).Distinct().ToList();
        return (subject, new UserDraft(userName[..Math.Min(64, userName.Length)], external.FindFirstValue(DisplayNameClaim) ?? name, roles,
            external.FindFirstValue(DistrictClaim), external.FindFirstValue(StreetClaim), external.FindFirstValue(DepartmentClaim)));
    }

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex NotAllowed();
}
