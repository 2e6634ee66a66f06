using System.Security.Claims;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Identity;

public static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/logout", LogoutAsync).RequireAuthorization(Policies.SignedIn);
        app.MapGet("/device/signin", DeviceSignInAsync).AllowAnonymous();
        app.MapGet("/login/sso", SingleSignOn).AllowAnonymous();
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, IAntiforgery antiforgery, SignInService signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
            return TypedResults.Problem("The form expired. Reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
        await signIn.RecordSignOutAsync(http.User.ToActor(Ip(http)), http.RequestAborted);
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.LocalRedirect("/login");
    }

    public const string WallKioskPath = "/wall?kiosk=1";

    /// <summary>Exchanges a wall device's kiosk token for a long-lived cookie, then drops the token from the URL.</summary>
    private static async Task<IResult> DeviceSignInAsync(string? token, HttpContext http, SignInService signIn, TimeProvider time, IOptions<AccountOptions> options)
    {
        if (string.IsNullOrEmpty(token) || await signIn.DeviceSignInAsync(token, new Actor("anonymous", Ip(http)), http.RequestAborted) is not { } device)
            return TypedResults.Problem("This kiosk link is not valid or was revoked. Ask an administrator for a new one.", statusCode: StatusCodes.Status403Forbidden);

        var now = time.GetUtcNow();
        await http.SignInAsync(AuthSchemes.Cookie, new ClaimsPrincipal(CommandCenterClaims.ForDevice(device, AuthSchemes.Cookie)),
            new AuthenticationProperties { IsPersistent = true, AllowRefresh = true, IssuedUtc = now, ExpiresUtc = now + options.Value.DeviceSessionLifetime });
        // A kiosk link opens the wall, with no controls.
        return TypedResults.LocalRedirect(WallKioskPath);
    }

    /// <summary>Starts OpenID Connect sign-in (404 when it is not configured).</summary>
    private static IResult SingleSignOn(string? returnUrl, OpenIdConnectSettings sso) =>
        sso.Enabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalUrls.OrHome(returnUrl) }, [AuthSchemes.OpenIdConnect])
            : TypedResults.Problem("Single sign-on is not configured.", statusCode: StatusCodes.Status404NotFound);

    public static string? Ip(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
