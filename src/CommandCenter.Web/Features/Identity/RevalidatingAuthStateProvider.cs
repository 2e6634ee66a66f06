using CommandCenter.Core.Features.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Identity;

/// <summary>Re-checks a live circuit's principal, so a revoked wall device or disabled account is signed out of open pages too.</summary>
internal sealed class RevalidatingAuthStateProvider(ILoggerFactory loggerFactory, SessionCheck check, IOptions<AccountOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        state.User.Identity?.IsAuthenticated != true || await check.IsValidAsync(state.User, ct);
}
