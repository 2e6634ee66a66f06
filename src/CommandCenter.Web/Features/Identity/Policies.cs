using CommandCenter.Core.Features.Identity;
using Microsoft.AspNetCore.Authorization;

namespace CommandCenter.Web.Features.Identity;

/// <summary>Every page, endpoint and hub names one of these (the authorization matrix test checks it).</summary>
public static class Policies
{
    /// <summary>Any signed-in person or wall device.</summary>
    public const string SignedIn = "signed-in";
    public const string Admin = "admin";
    public const string Command = "command";
    public const string Supervision = "supervision";
    public const string Wall = "wall";
    public const string Liaison = "liaison";
    public const string Department = "department";
    /// <summary>Read-only reference data for signed-in people and API clients (district systems, intake feeds).</summary>
    public const string OrgRead = "org-read";
    /// <summary>Machines that feed the city's picture (Open311 clients, sensor platforms): an API key.</summary>
    public const string Intake = "intake";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser().AddAuthenticationSchemes(AuthSchemes.Cookie));
        o.AddPolicy(Admin, p => p.RequireRole(Roles.Admin).AddAuthenticationSchemes(AuthSchemes.Cookie));
        o.AddPolicy(Command, p => p.RequireRole(Roles.Commander).AddAuthenticationSchemes(AuthSchemes.Cookie));
        o.AddPolicy(Supervision, p => p.RequireRole(Roles.Supervisor, Roles.Commander).AddAuthenticationSchemes(AuthSchemes.Cookie));
        // Administrators too: they set up wall devices and check what a wall shows.
        o.AddPolicy(Wall, p => p.RequireRole(Roles.WallDisplay, Roles.Commander, Roles.Supervisor, Roles.Admin).AddAuthenticationSchemes(AuthSchemes.Cookie));
        o.AddPolicy(Liaison, p => p.RequireRole(Roles.Liaison).AddAuthenticationSchemes(AuthSchemes.Cookie));
        o.AddPolicy(Department, p => p.RequireRole(Roles.Department).AddAuthenticationSchemes(AuthSchemes.Cookie));
        o.AddPolicy(Intake, p => p.RequireRole(Roles.ApiClient).AddAuthenticationSchemes(AuthSchemes.ApiKey));
        o.AddPolicy(OrgRead, p => p.RequireAuthenticatedUser().AddAuthenticationSchemes(AuthSchemes.Cookie, AuthSchemes.ApiKey));
        // Anything that names no policy still needs a signed-in principal.
        o.FallbackPolicy = o.GetPolicy(SignedIn);
    }
}

public static class AuthSchemes
{
    public const string Cookie = "cookie";
    public const string ApiKey = "api-key";
    public const string OpenIdConnect = "oidc";
}
