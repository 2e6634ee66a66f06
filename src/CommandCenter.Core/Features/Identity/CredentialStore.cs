using System.Data;
using Dapper;
using Npgsql;
using static CommandCenter.Core.Data.DbTime;

namespace CommandCenter.Core.Features.Identity;

/// <summary>Dapper queries over the two kinds of machine credential: wall devices and API clients.</summary>
public sealed class CredentialStore(NpgsqlDataSource dataSource)
{
    public async Task<long> InsertDeviceAsync(string name, byte[] tokenHash, long? createdBy, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = "insert into wall_device (name, token_hash, created_by) values (@name, @tokenHash, @createdBy) returning id";
        return await conn.QuerySingleAsync<long>(new CommandDefinition(sql, new { name, tokenHash, createdBy }, tx, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<WallDevice>> ListDevicesAsync(CancellationToken ct = default)
    {
        const string sql = "select id, name, created_at, revoked_at, last_seen_at from wall_device order by id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<DeviceRow>(new CommandDefinition(sql, cancellationToken: ct))).Select(r => r.ToDevice()).ToList();
    }

    /// <summary>The active device holding this token hash, marking it seen.</summary>
    public async Task<WallDevice?> UseDeviceTokenAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        const string sql = """
            update wall_device set last_seen_at = now() where token_hash = @tokenHash and revoked_at is null
            returning id, name, created_at, revoked_at, last_seen_at
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<DeviceRow>(new CommandDefinition(sql, new { tokenHash }, cancellationToken: ct)))?.ToDevice();
    }

    public async Task<bool> IsDeviceActiveAsync(long id, CancellationToken ct = default)
    {
        const string sql = "update wall_device set last_seen_at = now() where id = @id and revoked_at is null returning true";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<bool>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<bool> RevokeDeviceAsync(long id, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = "update wall_device set revoked_at = now() where id = @id and revoked_at is null";
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, tx, cancellationToken: ct)) == 1;
    }

    public async Task<long?> InsertApiClientAsync(string name, string keyPrefix, byte[] keyHash, string? departmentCode, int ratePerMinute,
        TimeSpan? expectedCadence, long? createdBy, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            insert into api_client (name, key_prefix, key_hash, department_code, rate_limit_per_minute, expected_cadence, created_by)
            values (@name, @keyPrefix, @keyHash, @departmentCode, @ratePerMinute, @expectedCadence, @createdBy)
            on conflict (name) do nothing
            returning id
            """;
        return await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(sql,
            new { name, keyPrefix, keyHash, departmentCode, ratePerMinute, expectedCadence, createdBy }, tx, cancellationToken: ct));
    }

    public async Task<bool> UpdateFeedAsync(long id, string? departmentCode, TimeSpan? expectedCadence, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = "update api_client set department_code = @departmentCode, expected_cadence = @expectedCadence where id = @id";
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, departmentCode, expectedCadence }, tx, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<ApiClient>> ListApiClientsAsync(CancellationToken ct = default)
    {
        const string sql = $"select {ApiColumns} from api_client order by id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ApiClientRow>(new CommandDefinition(sql, cancellationToken: ct))).Select(r => r.ToClient()).ToList();
    }

    /// <summary>The client with this key hash, revoked or not (the caller tells 401 from 403), marking it used when active.</summary>
    public async Task<ApiClient?> UseApiKeyAsync(byte[] keyHash, CancellationToken ct = default)
    {
        const string sql = $"""
            update api_client set last_used_at = case when revoked_at is null then now() else last_used_at end
            where key_hash = @keyHash
            returning {ApiColumns}
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<ApiClientRow>(new CommandDefinition(sql, new { keyHash }, cancellationToken: ct)))?.ToClient();
    }

    public async Task<bool> RevokeApiClientAsync(long id, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = "update api_client set revoked_at = now() where id = @id and revoked_at is null";
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, tx, cancellationToken: ct)) == 1;
    }

    private const string ApiColumns =
        "id, name, key_prefix, department_code, rate_limit_per_minute, created_at, revoked_at, last_used_at, expected_cadence, last_received_at";

    private sealed record DeviceRow(long Id, string Name, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastSeenAt)
    {
        public WallDevice ToDevice() => new(Id, Name, Utc(CreatedAt), Utc(RevokedAt), Utc(LastSeenAt));
    }

    private sealed record ApiClientRow(long Id, string Name, string KeyPrefix, string? DepartmentCode, int RateLimitPerMinute,
        DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt, TimeSpan? ExpectedCadence, DateTime? LastReceivedAt)
    {
        public ApiClient ToClient() => new(Id, Name, KeyPrefix, DepartmentCode, RateLimitPerMinute,
            Utc(CreatedAt), Utc(RevokedAt), Utc(LastUsedAt), ExpectedCadence, Utc(LastReceivedAt));
    }
}
