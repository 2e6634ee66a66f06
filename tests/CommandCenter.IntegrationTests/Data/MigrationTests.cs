using CommandCenter.Core.Data;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.IntegrationTests.Data;

public sealed class MigrationTests : IAsyncLifetime
{
    private readonly TestDatabase db = new();

    public Task InitializeAsync() => db.InitializeAsync();

    public Task DisposeAsync() => db.DisposeAsync();

    [Fact]
    public async Task Migrate_EmptyThenMigratedDatabase_AppliesEveryScriptOnce()
    {
        await using var sp = CoreServices.Create(db.ConnectionString);
        var migrator = sp.GetRequiredService<DatabaseMigrator>();
        var scripts = Directory.GetFiles(Path.Combine(RepoPaths.Root, "sql"), "*.sql").Select(f => Path.GetFileName(f)).Order().ToList();

        var first = await migrator.MigrateAsync(db.ConnectionString);
        var second = await migrator.MigrateAsync(db.ConnectionString);

        Assert.Equal(scripts, first.Select(n => n["sql.".Length..]).Order().ToList());
        Assert.Empty(second);
        await using var conn = new NpgsqlConnection(db.ConnectionString);
        Assert.Equal(scripts.Count, await conn.ExecuteScalarAsync<int>("select count(*) from schemaversions"));
    }

    [Fact]
    public async Task Migrate_DatabaseMissing_CreatesIt()
    {
        var missing = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Database = db.Name + "_new" }.ConnectionString;
        await using var sp = CoreServices.Create(missing);
        try
        {
            var applied = await sp.GetRequiredService<DatabaseMigrator>().MigrateAsync(missing);
            Assert.NotEmpty(applied);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestDatabase.AdminConnectionString);
            await admin.ExecuteAsync($"drop database if exists {db.Name}_new with (force)");
        }
    }

    [Fact]
    public async Task Migrate_UnreachableServer_SaysWhichServerAndWhatToDo()
    {
        // Port 1 on loopback: nothing listens there.
        const string unreachable = "Host=127.0.0.1;Port=1;Database=commandcenter;Username=postgres;Password=x;Timeout=2";
        await using var sp = CoreServices.Create(unreachable);

        var ex = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => sp.GetRequiredService<DatabaseMigrator>().MigrateAsync(unreachable));

        Assert.Contains("127.0.0.1:1/commandcenter", ex.Message);
        Assert.Contains("scripts/run", ex.Message);
        Assert.DoesNotContain("Password", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Startup_NoConnectionString_SaysHowToConfigureOne()
    {
        await using var sp = CoreServices.Create("");

        var ex = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => sp.GetRequiredService<DatabaseStartup>().RunAsync());

        Assert.Contains("ConnectionStrings__CommandCenter", ex.Message);
    }
}
