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

    public static string RequireConnectionString(string? connectionString) =>
        string.IsNullOrWhiteSpace(connectionString)
            ? throw new DatabaseUnavailableException(
                $"No database is configured. Start the app with scripts/run (it starts the project's own PostgreSQL), " +
                $"or set ConnectionStrings__{ConnectionName} to a PostgreSQL 15+ server.")
            : connectionString;
}
