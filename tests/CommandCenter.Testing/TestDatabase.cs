using Npgsql;
using Xunit;

namespace CommandCenter.Testing;

/// <summary>
/// An empty, uniquely named database on the test PostgreSQL (started by scripts/test), dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public TestDatabase()
    {
        Name = $"cc_test_{Guid.NewGuid():N}"[..20];
        ConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = Name }.ConnectionString;
    }

    /// <summary>Connection string to the cluster's <c>postgres</c> database, from <c>CC_TEST_ADMIN_CONNECTION</c>.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("CC_TEST_ADMIN_CONNECTION") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "Set CC_TEST_ADMIN_CONNECTION or run scripts/test, which starts the test PostgreSQL");

    public string Name { get; }

    public string ConnectionString { get; }

    public async Task InitializeAsync()
    {
        // Name is generated above, never taken from input: safe to interpolate.
        await ExecuteAdminAsync($"CREATE DATABASE {Name}");
    }

    public async Task DisposeAsync()
    {
        await using (var conn = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(conn);
        }
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
