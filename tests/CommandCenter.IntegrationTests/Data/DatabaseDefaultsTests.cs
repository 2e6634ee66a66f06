using CommandCenter.Core.Data;
using CommandCenter.Testing;
using Dapper;
using Npgsql;

namespace CommandCenter.IntegrationTests.Data;

public sealed class DatabaseDefaultsTests : StartedCore
{
    private const string Statement = "select count(*) from district where adcode <> @adcode";

    [Fact]
    public async Task CoreDataSource_PreparesAStatementRunFiveTimesOnAConnection()
    {
        await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
        for (var i = 0; i < 6; i++) await conn.ExecuteScalarAsync<long>(Statement, new { adcode = "110101" });

        var prepared = await conn.QueryAsync<string>("select statement from pg_prepared_statements");
        Assert.Contains(prepared, s => s.Contains("from district where adcode <> $1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithDefaults_KeepsAnExplicitMaxAutoPrepare()
    {
        var given = new NpgsqlConnectionStringBuilder(Db.ConnectionString) { MaxAutoPrepare = 0 }.ConnectionString;
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(Database.WithDefaults(given)).MaxAutoPrepare);
        Assert.Equal(64, new NpgsqlConnectionStringBuilder(Database.WithDefaults(Db.ConnectionString)).MaxAutoPrepare);

        await using var source = NpgsqlDataSource.Create(Database.WithDefaults(given));
        await using var conn = await source.OpenConnectionAsync();
        for (var i = 0; i < 6; i++) await conn.ExecuteScalarAsync<long>(Statement, new { adcode = "110101" });
        Assert.Empty(await conn.QueryAsync<string>("select statement from pg_prepared_statements"));
    }
}
