using System.Data.Common;
using Npgsql;

namespace CommandCenter.Core.Data;

/// <summary>Connection-string facts shared by start-up checks and the migrator.</summary>
public static class Database
{
    public const string ConnectionName = "CommandCenter";

    /// <summary>"host:port/database" for messages; never includes the password.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host ?? "localhost"}:{b.Port}/{b.Database ?? b.Username}";
    }

    /// <summary>
    /// Statements run five times (Npgsql's AutoPrepareMinUsages) on a physical connection are prepared there, unless
    /// the connection string says otherwise: the hot paths (event appends, inserts, bus reads) skip parsing and planning.
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        // NpgsqlConnectionStringBuilder.ContainsKey answers whether a keyword is known, not whether it was given.
        if (new DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Max Auto Prepare"))
            return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    public static string RequireConnectionString(string? connectionString) =>
        string.IsNullOrWhiteSpace(connectionString)
            ? throw new DatabaseUnavailableException(
                $"No database is configured. Start the app with scripts/run (it starts the project's own PostgreSQL), " +
                $"or set ConnectionStrings__{ConnectionName} to a PostgreSQL 15+ server.")
            : connectionString;
}
