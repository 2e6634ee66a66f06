using System.Data;
using Dapper;
using Npgsql;
using static CommandCenter.Core.Data.DbTime;

namespace CommandCenter.Core.Features.Identity;

/// <summary>Dapper queries over app_user.</summary>
public sealed class UserStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, user_name, display_name, roles, district_adcode, street_code, department_code,
        disabled, locked_until, security_stamp, created_at, last_login_at
        """;

    public async Task<(AppUser User, string? PasswordHash)?> FindForSignInAsync(string userName, CancellationToken ct = default)
    {
        const string sql = $"select {Columns}, password_hash from app_user where user_name = @userName";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(sql, new { userName }, cancellationToken: ct));
        return row is null ? null : (row.ToUser(), row.PasswordHash);
    }

    public async Task<AppUser?> FindAsync(long id, CancellationToken ct = default)
    {
        const string sql = $"select {Columns} from app_user where id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct)))?.ToUser();
    }

    public async Task<AppUser?> FindByExternalSubjectAsync(string subject, CancellationToken ct = default)
    {
        const string sql = $"select {Columns} from app_user where external_subject = @subject";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(sql, new { subject }, cancellationToken: ct)))?.ToUser();
    }

    public async Task<IReadOnlyList<AppUser>> ListAsync(CancellationToken ct = default)
    {
        const string sql = $"select {Columns} from app_user order by user_name";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<UserRow>(new CommandDefinition(sql, cancellationToken: ct))).Select(r => r.ToUser()).ToList();
    }

    /// <summary>Inserts unless the user name is taken; returns null when it is.</summary>
    public async Task<long?> InsertAsync(UserDraft draft, string? passwordHash, string? externalSubject, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            insert into app_user (user_name, display_name, password_hash, roles, district_adcode, street_code, department_code, external_subject)
            values (@UserName, @DisplayName, @passwordHash, @roles, @DistrictAdcode, @StreetCode, @DepartmentCode, @externalSubject)
            on conflict (user_name) do nothing
            returning id
            """;
        return await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(sql, new
        {
            draft.UserName, draft.DisplayName, passwordHash, roles = draft.Roles.ToArray(),
            draft.DistrictAdcode, draft.StreetCode, draft.DepartmentCode, externalSubject,
        }, tx, cancellationToken: ct));
    }

    /// <summary>Creates or refreshes the account of an external (OpenID Connect) subject; a change of roles or scope renews the stamp.</summary>
    public async Task<long?> UpsertExternalAsync(string subject, UserDraft draft, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            insert into app_user (user_name, display_name, roles, district_adcode, street_code, department_code, external_subject)
            values (@UserName, @DisplayName, @roles, @DistrictAdcode, @StreetCode, @DepartmentCode, @subject)
            on conflict (external_subject) do update set
                display_name = excluded.display_name, roles = excluded.roles, district_adcode = excluded.district_adcode,
                street_code = excluded.street_code, department_code = excluded.department_code,
                security_stamp = case
                    when (app_user.roles, app_user.district_adcode, app_user.street_code, app_user.department_code)
                         is distinct from (excluded.roles, excluded.district_adcode, excluded.street_code, excluded.department_code)
                    then gen_random_uuid() else app_user.security_stamp end
            returning id
            """;
        try
        {
            return await conn.QuerySingleAsync<long>(new CommandDefinition(sql, new
            {
                draft.UserName, draft.DisplayName, roles = draft.Roles.ToArray(), draft.DistrictAdcode, draft.StreetCode, draft.DepartmentCode, subject,
            }, tx, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return null; // the user name belongs to a local account
        }
    }

    public async Task<bool> UpdateRolesAsync(long id, UserDraft draft, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            update app_user set display_name = @DisplayName, roles = @roles, district_adcode = @DistrictAdcode, street_code = @StreetCode,
                                department_code = @DepartmentCode, security_stamp = gen_random_uuid()
            where id = @id
            """;
        return await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            id, draft.DisplayName, roles = draft.Roles.ToArray(), draft.DistrictAdcode, draft.StreetCode, draft.DepartmentCode,
        }, tx, cancellationToken: ct)) == 1;
    }

    public async Task<bool> SetPasswordAsync(long id, string passwordHash, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            update app_user set password_hash = @passwordHash, failed_logins = 0, locked_until = null, security_stamp = gen_random_uuid()
            where id = @id
            """;
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, passwordHash }, tx, cancellationToken: ct)) == 1;
    }

    public async Task<bool> SetDisabledAsync(long id, bool disabled, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = "update app_user set disabled = @disabled, security_stamp = gen_random_uuid() where id = @id";
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, disabled }, tx, cancellationToken: ct)) == 1;
    }

    /// <summary>Counts one failure atomically and starts a lockout at the limit; returns whether the account is now locked.</summary>
    public async Task<bool> RecordFailureAsync(long id, int maxFailures, DateTimeOffset lockUntil, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            update app_user
            set failed_logins = case when failed_logins + 1 >= @maxFailures then 0 else failed_logins + 1 end,
                locked_until  = case when failed_logins + 1 >= @maxFailures then @lockUntil else locked_until end
            where id = @id
            returning locked_until is not distinct from @lockUntil
            """;
        return await conn.QuerySingleAsync<bool>(new CommandDefinition(sql, new { id, maxFailures, lockUntil }, tx, cancellationToken: ct));
    }

    public async Task RecordSuccessAsync(long id, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = "update app_user set failed_logins = 0, locked_until = null, last_login_at = @at where id = @id";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, at }, tx, cancellationToken: ct));
    }

    private sealed class UserRow
    {
        public long Id { get; init; }
        public string UserName { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string[] Roles { get; init; } = [];
        public string? DistrictAdcode { get; init; }
        public string? StreetCode { get; init; }
        public string? DepartmentCode { get; init; }
        public bool Disabled { get; init; }
        public DateTime? LockedUntil { get; init; }
        public Guid SecurityStamp { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? LastLoginAt { get; init; }
        public string? PasswordHash { get; init; }

        public AppUser ToUser() => new(Id, UserName, DisplayName, Roles, DistrictAdcode, StreetCode, DepartmentCode, Disabled,
            Utc(LockedUntil), SecurityStamp, Utc(CreatedAt), Utc(LastLoginAt));
    }
}
