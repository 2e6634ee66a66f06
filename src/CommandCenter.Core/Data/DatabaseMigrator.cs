using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommandCenter.Core.Data;

/// <summary>Applies sql/NNNN_*.sql once each, in order, journaled in <c>schemaversions</c>; one script, one transaction.</summary>
public sealed class DatabaseMigrator(ILogger<DatabaseMigrator> logger)
{
    // Any constant works; it only has to be the same on every node so two nodes never migrate at once.
    private const long MigrationLockKey = 0x43434D4947; // "CCMIG"

    public async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, CancellationToken ct = default)
    {
        await EnsureReachableAsync(connectionString, ct);
        EnsureDatabase.For.PostgresqlDatabase(connectionString, new DbUpLog(logger));

        // Session lock on a pooled connection: released explicitly, or the pool would keep it held.
        await using var lockConn = new NpgsqlConnection(connectionString);
        await lockConn.OpenAsync(ct);
        await ExecuteAsync(lockConn, $"select pg_advisory_lock({MigrationLockKey})", ct);
        DbUp.Engine.DatabaseUpgradeResult result;
        try
        {
            result = DeployChanges.To.PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith("sql.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .JournalToPostgresqlTable("public", "schemaversions")
                .LogTo(new DbUpLog(logger))
                .Build()
                .PerformUpgrade();
        }
        finally
        {
            await ExecuteAsync(lockConn, $"select pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }

        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        var applied = result.Scripts.Select(s => s.Name).ToList();
        logger.LogInformation("Database {Database} is up to date ({Applied} scripts applied)", Database.Describe(connectionString), applied.Count);
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Fails fast with an actionable message instead of a driver stack trace.</summary>
    private static async Task EnsureReachableAsync(string connectionString, CancellationToken ct)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Timeout = 5 };
        try
        {
            await using var conn = new NpgsqlConnection(b.ConnectionString);
            await conn.OpenAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new DatabaseUnavailableException(
                $"Cannot reach PostgreSQL at {Database.Describe(connectionString)}: {ex.Message}. " +
                $"Start the project's own database with scripts/run, or point ConnectionStrings__{Database.ConnectionName} at a running server.", ex);
        }
    }

    private sealed class DbUpLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
