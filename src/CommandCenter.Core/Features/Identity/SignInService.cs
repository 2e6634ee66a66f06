using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Identity;

/// <summary>Password sign-in with lockout, and the checks that keep a live session honest.</summary>
public sealed class SignInService(
    NpgsqlDataSource dataSource, UserStore users, CredentialStore credentials, AuditStore audit,
    IPasswordHasher<AppUser> hasher, TimeProvider time, IOptions<AccountOptions> options)
{
    // Verified against when the user does not exist, so both paths take the same time (no user enumeration).
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<AppUser>().HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<SignInResult> PasswordSignInAsync(string userName, string password, Actor origin, CancellationToken ct = default)
    {
        var name = userName.Trim().ToLowerInvariant();
        var found = await users.FindForSignInAsync(name, ct);
        var now = time.GetUtcNow();
        var o = options.Value;

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var actor = origin with { Name = name };

        if (found is not ({ } user, { } hash))
        {
            hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            await audit.AppendAsync(actor, "login.failed", name, new { reason = "unknown-user" }, conn, tx, ct);
        }
        else if (user.LockedUntil > now)
        {
            hasher.VerifyHashedPassword(user, hash, password);
            await audit.AppendAsync(actor, "login.failed", name, new { reason = "locked-out" }, conn, tx, ct);
        }
        else if (hasher.VerifyHashedPassword(user, hash, password) == PasswordVerificationResult.Failed || user.Disabled)
        {
            var reason = user.Disabled ? "disabled" : "wrong-password";
            await audit.AppendAsync(actor, "login.failed", name, new { reason }, conn, tx, ct);
            if (!user.Disabled && await users.RecordFailureAsync(user.Id, o.MaxFailedLogins, now + o.LockoutDuration, conn, tx, ct))
                await audit.AppendAsync(actor, "login.locked-out", name, new { until = now + o.LockoutDuration }, conn, tx, ct);
        }
        else
        {
            await users.RecordSuccessAsync(user.Id, now, conn, tx, ct);
            await audit.AppendAsync(actor, "login.succeeded", name, null, conn, tx, ct);
            await tx.CommitAsync(ct);
            return new SignInResult(SignInStatus.Succeeded, user);
        }
        await tx.CommitAsync(ct);
        return SignInResult.Failed;
    }

    /// <summary>The account still exists, is enabled, and nothing about it changed since the session was issued.</summary>
    public async Task<AppUser?> ValidateUserSessionAsync(long userId, Guid securityStamp, CancellationToken ct = default) =>
        await users.FindAsync(userId, ct) is { Disabled: false } user && user.SecurityStamp == securityStamp ? user : null;

    /// <summary>Exchanges a kiosk token for its device (the web layer then issues a long-lived cookie).</summary>
    public async Task<WallDevice?> DeviceSignInAsync(string token, Actor origin, CancellationToken ct = default)
    {
        var device = token.StartsWith(SecretTokens.DevicePrefix, StringComparison.Ordinal)
            ? await credentials.UseDeviceTokenAsync(SecretTokens.Hash(token), ct)
            : null;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await audit.AppendAsync(origin with { Name = device is null ? "anonymous" : $"device:{device.Id}" },
            device is null ? "device.login-failed" : "device.login-succeeded", device?.Name, null, conn, null, ct);
        return device;
    }

    public Task<bool> ValidateDeviceSessionAsync(long deviceId, CancellationToken ct = default) => credentials.IsDeviceActiveAsync(deviceId, ct);

    /// <summary>
    /// The API client holding this key. <c>Unknown</c> (no such key) and <c>Revoked</c> are told apart so the
    /// API can answer 401 and 403 respectively.
    /// </summary>
    public async Task<(ApiKeyStatus Status, ApiClient? Client)> AuthenticateApiKeyAsync(string? key, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(key) || !key.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal) || key.Length > 200)
            return (ApiKeyStatus.Unknown, null);
        var client = await credentials.UseApiKeyAsync(SecretTokens.Hash(key), ct);
        return client switch
        {
            null => (ApiKeyStatus.Unknown, null),
            { RevokedAt: not null } => (ApiKeyStatus.Revoked, client),
            _ => (ApiKeyStatus.Valid, client),
        };
    }

    public async Task RecordSignOutAsync(Actor actor, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await audit.AppendAsync(actor, "logout", actor.Name, null, conn, null, ct);
    }
}

public enum ApiKeyStatus { Unknown, Revoked, Valid }
