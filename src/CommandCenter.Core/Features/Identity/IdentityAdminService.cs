using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Identity;

/// <summary>What administrators do: accounts, wall devices and API clients. Every change is audited in its own transaction.</summary>
public sealed partial class IdentityAdminService(
    NpgsqlDataSource dataSource, UserStore users, CredentialStore credentials, AuditStore audit, OrgStore org,
    IPasswordHasher<AppUser> hasher, IOptions<AccountOptions> options)
{
    public Task<IReadOnlyList<AppUser>> ListUsersAsync(CancellationToken ct = default) => users.ListAsync(ct);

    public Task<IReadOnlyList<WallDevice>> ListDevicesAsync(CancellationToken ct = default) => credentials.ListDevicesAsync(ct);

    public Task<IReadOnlyList<ApiClient>> ListApiClientsAsync(CancellationToken ct = default) => credentials.ListApiClientsAsync(ct);

    public Task<IReadOnlyList<AuditEvent>> ListAuditAsync(int limit = 200, string? action = null, CancellationToken ct = default) =>
        audit.ListRecentAsync(Math.Clamp(limit, 1, 1000), action, ct);

    public async Task<AppUser> CreateUserAsync(Actor actor, UserDraft draft, string password, CancellationToken ct = default)
    {
        draft = await ValidateAsync(draft, ct);
        ValidatePassword(draft.UserName, password);
        var hash = hasher.HashPassword(null!, password);
        var id = await InTransactionAsync(async (conn, tx) =>
        {
            var id = await users.InsertAsync(draft, hash, null, conn, tx, ct)
                ?? throw new IdentityValidationException($"The user name '{draft.UserName}' is taken.");
            await audit.AppendAsync(actor, "user.created", draft.UserName, new { draft.Roles, draft.DistrictAdcode, draft.StreetCode, draft.DepartmentCode }, conn, tx, ct);
            return id;
        }, ct);
        return (await users.FindAsync(id, ct))!;
    }

    /// <summary>
    /// Creates or refreshes the local account behind an external (OpenID Connect) sign-in, so scope checks,
    /// disabling and the audit trail work the same for everyone. Returns null when the account is disabled.
    /// </summary>
    public async Task<AppUser?> ProvisionExternalUserAsync(Actor actor, string subject, UserDraft draft, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 200) throw new IdentityValidationException("The identity provider sent no usable subject.");
        draft = await ValidateAsync(draft, ct);
        var id = await InTransactionAsync(async (conn, tx) =>
        {
            var id = await users.UpsertExternalAsync(subject, draft, conn, tx, ct)
                ?? throw new IdentityValidationException($"The user name '{draft.UserName}' belongs to a local account.");
            await audit.AppendAsync(actor with { Name = draft.UserName }, "login.external", draft.UserName, new { subject, draft.Roles }, conn, tx, ct);
            return id;
        }, ct);
        return await users.FindAsync(id, ct) is { Disabled: false } user ? user : null;
    }

    /// <summary>Changes name, roles and scope; signs the user out everywhere (new security stamp).</summary>
    public async Task UpdateUserAsync(Actor actor, long id, UserDraft draft, CancellationToken ct = default)
    {
        draft = await ValidateAsync(draft, ct);
        await InTransactionAsync(async (conn, tx) =>
        {
            if (!await users.UpdateRolesAsync(id, draft, conn, tx, ct)) throw new IdentityValidationException($"No user {id}.");
            await audit.AppendAsync(actor, "user.roles-changed", draft.UserName, new { draft.Roles, draft.DistrictAdcode, draft.StreetCode, draft.DepartmentCode }, conn, tx, ct);
            return 0;
        }, ct);
    }

    public async Task ResetPasswordAsync(Actor actor, long id, string password, CancellationToken ct = default)
    {
        var user = await users.FindAsync(id, ct) ?? throw new IdentityValidationException($"No user {id}.");
        ValidatePassword(user.UserName, password);
        var hash = hasher.HashPassword(user, password);
        await InTransactionAsync(async (conn, tx) =>
        {
            await users.SetPasswordAsync(id, hash, conn, tx, ct);
            await audit.AppendAsync(actor, "user.password-reset", user.UserName, null, conn, tx, ct);
            return 0;
        }, ct);
    }

    public async Task SetDisabledAsync(Actor actor, long id, bool disabled, CancellationToken ct = default)
    {
        var user = await users.FindAsync(id, ct) ?? throw new IdentityValidationException($"No user {id}.");
        await InTransactionAsync(async (conn, tx) =>
        {
            await users.SetDisabledAsync(id, disabled, conn, tx, ct);
            await audit.AppendAsync(actor, disabled ? "user.disabled" : "user.enabled", user.UserName, null, conn, tx, ct);
            return 0;
        }, ct);
    }

    public async Task<IssuedSecret<WallDevice>> CreateDeviceAsync(Actor actor, string name, long? createdBy, CancellationToken ct = default) =>
        await CreateDeviceAsync(actor, name, SecretTokens.Generate(SecretTokens.DevicePrefix), createdBy, ct);

    internal async Task<IssuedSecret<WallDevice>> CreateDeviceAsync(Actor actor, string name, string token, long? createdBy, CancellationToken ct)
    {
        name = RequireName(name);
        var id = await InTransactionAsync(async (conn, tx) =>
        {
            var id = await credentials.InsertDeviceAsync(name, SecretTokens.Hash(token), createdBy, conn, tx, ct);
            await audit.AppendAsync(actor, "device.created", name, new { id }, conn, tx, ct);
            return id;
        }, ct);
        return new((await credentials.ListDevicesAsync(ct)).Single(d => d.Id == id), token);
    }

    public async Task RevokeDeviceAsync(Actor actor, long id, CancellationToken ct = default) =>
        await InTransactionAsync(async (conn, tx) =>
        {
            if (await credentials.RevokeDeviceAsync(id, conn, tx, ct))
                await audit.AppendAsync(actor, "device.revoked", id.ToString(), null, conn, tx, ct);
            return 0;
        }, ct);

    public async Task<IssuedSecret<ApiClient>> CreateApiClientAsync(Actor actor, string name, string? departmentCode, int ratePerMinute, long? createdBy,
        TimeSpan? expectedCadence = null, CancellationToken ct = default)
    {
        name = RequireName(name);
        if (ratePerMinute is < 1 or > 100_000) throw new IdentityValidationException("The rate limit must be between 1 and 100000 requests a minute.");
        await RequireFeedAsync(departmentCode, expectedCadence, ct);
        var key = SecretTokens.Generate(SecretTokens.ApiKeyPrefix);
        var id = await InTransactionAsync(async (conn, tx) =>
        {
            var id = await credentials.InsertApiClientAsync(name, key[..10], SecretTokens.Hash(key), departmentCode, ratePerMinute, expectedCadence, createdBy, conn, tx, ct)
                ?? throw new IdentityValidationException($"An API client named '{name}' exists.");
            await audit.AppendAsync(actor, "apikey.created", name, new { id, departmentCode, ratePerMinute, expectedCadence }, conn, tx, ct);
            return id;
        }, ct);
        return new((await credentials.ListApiClientsAsync(ct)).Single(c => c.Id == id), key);
    }

    /// <summary>Changes what the feed catalog knows of a client: its owning department and the cadence it is expected to send at.</summary>
    public async Task UpdateFeedAsync(Actor actor, long id, string? departmentCode, TimeSpan? expectedCadence, CancellationToken ct = default)
    {
        await RequireFeedAsync(departmentCode, expectedCadence, ct);
        await InTransactionAsync(async (conn, tx) =>
        {
            if (!await credentials.UpdateFeedAsync(id, departmentCode, expectedCadence, conn, tx, ct))
                throw new IdentityValidationException($"No API client has id {id}.");
            await audit.AppendAsync(actor, "apikey.feed-changed", id.ToString(), new { departmentCode, expectedCadence }, conn, tx, ct);
            return 0;
        }, ct);
    }

    private async Task RequireFeedAsync(string? departmentCode, TimeSpan? expectedCadence, CancellationToken ct)
    {
        if (expectedCadence is { } cadence && (cadence < FeedFreshness.MinCadence || cadence > FeedFreshness.MaxCadence))
            throw new IdentityValidationException("The expected cadence must be between 10 seconds and 31 days, or empty for a client that sends on demand.");
        if (departmentCode is not null && (await org.ListDepartmentsAsync(ct)).All(d => d.Code != departmentCode))
            throw new IdentityValidationException($"Unknown department '{departmentCode}'.");
    }

    public async Task RevokeApiClientAsync(Actor actor, long id, CancellationToken ct = default) =>
        await InTransactionAsync(async (conn, tx) =>
        {
            if (await credentials.RevokeApiClientAsync(id, conn, tx, ct))
                await audit.AppendAsync(actor, "apikey.revoked", id.ToString(), null, conn, tx, ct);
            return 0;
        }, ct);

    /// <summary>Normalises a draft and checks that its roles come with the scope they need, and that the scope exists.</summary>
    public async Task<UserDraft> ValidateAsync(UserDraft draft, CancellationToken ct = default)
    {
        var userName = draft.UserName.Trim().ToLowerInvariant();
        if (!UserNamePattern().IsMatch(userName))
            throw new IdentityValidationException("User names are 2–64 characters: lower-case letters, digits, '.', '_' or '-'.");
        var displayName = draft.DisplayName.Trim();
        if (displayName.Length is 0 or > 100) throw new IdentityValidationException("The display name must be 1–100 characters.");
        var roles = draft.Roles.Distinct().ToList();
        if (roles.Count == 0) throw new IdentityValidationException("Give the account at least one role.");
        if (roles.FirstOrDefault(r => !Roles.ForUsers.Contains(r)) is { } bad) throw new IdentityValidationException($"Unknown role '{bad}'.");

        string? district = null, street = null, department = null;
        if (roles.Contains(Roles.Liaison))
        {
            district = draft.DistrictAdcode;
            if ((await org.ListDistrictsAsync(ct)).All(d => d.Adcode != district)) throw new IdentityValidationException("A liaison needs a valid district.");
        }
        if (roles.Contains(Roles.Street))
        {
            street = draft.StreetCode;
            if (street is null || (await org.ListStreetUnitsAsync(street[..Math.Min(6, street.Length)], ct)).All(s => s.Code != street))
                throw new IdentityValidationException("A street account needs a valid street/town unit.");
        }
        if (roles.Contains(Roles.Department))
        {
            department = draft.DepartmentCode;
            if ((await org.ListDepartmentsAsync(ct)).All(d => d.Code != department)) throw new IdentityValidationException("Department staff need a valid department.");
        }
        return new UserDraft(userName, displayName, roles, district, street, department);
    }

    private void ValidatePassword(string userName, string password)
    {
        if (password.Length < options.Value.MinPasswordLength)
            throw new IdentityValidationException($"Passwords need at least {options.Value.MinPasswordLength} characters.");
        if (password.Length > 256) throw new IdentityValidationException("Passwords are at most 256 characters.");
        if (password.Contains(userName, StringComparison.OrdinalIgnoreCase)) throw new IdentityValidationException("The password must not contain the user name.");
    }

    private static string RequireName(string name) =>
        name.Trim() is { Length: > 0 and <= 100 } trimmed ? trimmed : throw new IdentityValidationException("The name must be 1–100 characters.");

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await work(conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex UserNamePattern();
}
