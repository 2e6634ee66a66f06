using System.Security.Claims;
using CommandCenter.Core.Features.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Identity;

/// <summary>
/// Is this signed-in principal still good? A disabled or changed account, or a revoked wall device, stops
/// being good within <see cref="AccountOptions.RevalidationInterval"/> (answers are cached that long).
/// </summary>
public sealed class SessionCheck(SignInService signIn, IMemoryCache cache, IOptions<AccountOptions> options)
{
    public async Task<bool> IsValidAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var kind = principal.KindOf();
        if (principal.IdOf() is not { } id) return false;
        var stamp = principal.FindFirstValue(CommandCenterClaims.Stamp);
        var key = $"session:{kind}:{id}:{stamp}";
        if (cache.TryGetValue(key, out bool valid)) return valid;

        valid = kind switch
        {
            CommandCenterClaims.UserKind => Guid.TryParse(stamp, out var s) && await signIn.ValidateUserSessionAsync(id, s, ct) is not null,
            CommandCenterClaims.DeviceKind => await signIn.ValidateDeviceSessionAsync(id, ct),
            _ => false,
        };
        cache.Set(key, valid, options.Value.RevalidationInterval);
        return valid;
    }
}
