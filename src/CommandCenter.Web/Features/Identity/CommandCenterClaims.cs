using System.Security.Claims;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.Web.Features.Identity;

/// <summary>Our claims, and the one way to read scope, actor and ids back from a principal.</summary>
public static class CommandCenterClaims
{
    public const string Kind = "cc:kind";            // "user" or "device"
    public const string Id = "cc:id";                // app_user.id or wall_device.id
    public const string Stamp = "cc:stamp";          // app_user.security_stamp when the session was issued
    public const string District = "cc:district";
    public const string Street = "cc:street";
    public const string Department = "cc:department";
    public const string RateLimit = "cc:rate";           // API clients: requests per minute

    public const string UserKind = "user";
    public const string DeviceKind = "device";
    public const string ApiClientKind = "api-client";

    public static ClaimsIdentity ForUser(AppUser user, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(Kind, UserKind), new(Id, user.Id.ToString()), new(Stamp, user.SecurityStamp.ToString()),
            new(ClaimTypes.Name, user.UserName), new(ClaimTypes.GivenName, user.DisplayName),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (user.DistrictAdcode is { } d) claims.Add(new(District, d));
        if (user.StreetCode is { } s) claims.Add(new(Street, s));
        if (user.DepartmentCode is { } dep) claims.Add(new(Department, dep));
        return new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role);
    }

    public static ClaimsIdentity ForDevice(WallDevice device, string authenticationType) => new(
    [
        new(Kind, DeviceKind), new(Id, device.Id.ToString()), new(ClaimTypes.Name, $"device:{device.Id}"),
        new(ClaimTypes.GivenName, device.Name), new(ClaimTypes.Role, Roles.WallDisplay),
    ], authenticationType, ClaimTypes.Name, ClaimTypes.Role);

    public static ClaimsIdentity ForApiClient(ApiClient client, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(Kind, ApiClientKind), new(Id, client.Id.ToString()), new(ClaimTypes.Name, $"api:{client.Name}"),
            new(RateLimit, client.RateLimitPerMinute.ToString()), new(ClaimTypes.Role, Roles.ApiClient),
        };
        if (client.DepartmentCode is { } dep) claims.Add(new(Department, dep));
        return new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role);
    }

    public static string? KindOf(this ClaimsPrincipal p) => p.FindFirstValue(Kind);

    public static long? IdOf(this ClaimsPrincipal p) => long.TryParse(p.FindFirstValue(Id), out var id) ? id : null;

    /// <summary>The user's own account id, or null for devices and API clients.</summary>
    public static long? UserId(this ClaimsPrincipal p) => p.KindOf() == UserKind ? p.IdOf() : null;

    public static string DisplayName(this ClaimsPrincipal p) => p.FindFirstValue(ClaimTypes.GivenName) ?? p.Identity?.Name ?? "";

    /// <summary>What Core may show this principal.</summary>
    public static AccessScope ToScope(this ClaimsPrincipal p) => new(
        p.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(),
        p.FindFirstValue(District), p.FindFirstValue(Street), p.FindFirstValue(Department));

    public static Actor ToActor(this ClaimsPrincipal p, string? ip = null) => new(p.Identity?.Name ?? "anonymous", ip);
}
