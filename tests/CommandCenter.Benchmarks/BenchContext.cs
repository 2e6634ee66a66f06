using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Testing;
using Dapper;
using Npgsql;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The benchmark cluster: one migrated template database (city pack loaded), cloned into a fresh database for
/// every measured run so no run inherits another's rows, bloat or cache.
/// </summary>
public sealed class BenchContext : IAsyncDisposable
{
    private const string Template = "cc_bench_template";

    /// <summary>The last day of generated history (Beijing time).</summary>
    public static readonly DateTimeOffset HistoryEnd = new(2026, 11, 27, 0, 0, 0, TimeSpan.FromHours(8));

    private readonly string admin;

    private BenchContext(string admin, BenchOptions options)
    {
        this.admin = admin;
        Options = options;
    }

    public BenchOptions Options { get; }

    public static async Task<BenchContext> CreateAsync(string admin, BenchOptions options, CancellationToken ct)
    {
        var context = new BenchContext(admin, options);
        await context.AdminAsync($"drop database if exists {Template} with (force)", ct);
        await context.AdminAsync($"create database {Template}", ct);
        await using (await CoreServices.CreateStartedAsync(context.ConnectionString(Template))) { }
        NpgsqlConnection.ClearAllPools();
        return context;
    }

    /// <summary>Where <c>backfill --keep</c> leaves its year for <c>p3 --reuse</c>.</summary>
    public const string YearDatabase = "cc_bench_year";

    /// <summary>A fresh clone of the template; dropped on dispose unless <paramref name="keepAs"/> names it.</summary>
    public async Task<BenchDatabase> CreateDatabaseAsync(CancellationToken ct, string? keepAs = null)
    {
        var name = keepAs ?? $"cc_bench_{Guid.NewGuid():N}"[..17];
        if (keepAs is not null)
        {
            await AdminAsync($"drop database if exists {name} with (force)", ct);
        }
        await AdminAsync($"create database {name} template {Template}", ct);
        return new BenchDatabase(this, name, ConnectionString(name), keep: keepAs is not null);
    }

    /// <summary>A database an earlier run kept, migrated to this build's schema; never dropped.</summary>
    public async Task<BenchDatabase> OpenKeptAsync(string name, CancellationToken ct)
    {
        var db = new BenchDatabase(this, name, ConnectionString(name), keep: true);
        await using (await CoreServices.CreateStartedAsync(db.ConnectionString)) { }
        return db;
    }

    /// <summary>Realistic history rows as the simulator writes them, <paramref name="count"/> of them, at Beijing's rate.</summary>
    public static IEnumerable<BulkIncident> History(IncidentGenerator generator, int count, double perDay = 66_000)
    {
        var from = HistoryEnd.AddDays(-Math.Ceiling(count / perDay * 1.1) - 1);
        return generator.GenerateWithClusters(from, HistoryEnd, perDay).Take(count).Select(p => IncidentGenerator.Materialize(p, HistoryEnd).Incident);
    }

    /// <summary>
    /// The <paramref name="days"/> days up to <paramref name="end"/> (default <see cref="HistoryEnd"/>) at a rate that gives about <paramref name="count"/>
    /// incidents in all (weekends are quieter; the generator's rhythm decides the exact total).
    /// </summary>
    public static IEnumerable<BulkIncident> Span(IncidentGenerator generator, int count, int days, DateTimeOffset? end = null)
    {
        var until = end ?? HistoryEnd;
        var perDay = count / (double)days * 7 / (5 + 2 * BeijingProfile.WeekendFactor);
        return generator.GenerateWithClusters(until.AddDays(-days), until, perDay)
            .Select(p => IncidentGenerator.Materialize(p, until).Incident);
    }

    public async Task PrintMachineAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        var version = await conn.ExecuteScalarAsync<string>("show server_version");
        var settings = await conn.QueryAsync<(string Name, string Setting)>(
            "select name, current_setting(name) from pg_settings where name in ('synchronous_commit', 'shared_buffers', 'max_wal_size', 'fsync') order by name");
        var ram = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {ram:0.0} GiB RAM, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $".NET {Environment.Version}");
        Console.WriteLine($"PostgreSQL {version} on {Core.Data.Database.Describe(admin)}; {string.Join(", ", settings.Select(s => $"{s.Name}={s.Setting}"))}");
    }

    /// <summary>No command timeout: on a busy machine one large COPY (the baseline's) can take longer than the 30 s default.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = database, MaxPoolSize = 100, CommandTimeout = 0 }.ConnectionString;

    internal async Task AdminAsync(string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        // A plain command: Dapper would take a one-word text such as "checkpoint" for a stored procedure.
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"drop database if exists {Template} with (force)", CancellationToken.None);
    }
}

/// <summary>One cloned database. Names are generated or constants, never taken from input: safe to interpolate.</summary>
public sealed class BenchDatabase(BenchContext context, string name, string connectionString, bool keep = false) : IAsyncDisposable
{
    public string Name => name;

    public string ConnectionString => connectionString;

    public async Task<long> SizeBytesAsync()
    {
        await using var conn = new NpgsqlConnection(connectionString);
        return await conn.ExecuteScalarAsync<long>("select pg_database_size(current_database())");
    }

    /// <summary>Flushes dirty pages now, so a checkpoint does not land in the middle of the next measurement.</summary>
    public Task CheckpointAsync(CancellationToken ct) => context.AdminAsync("checkpoint", ct);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!keep)
        {
            await context.AdminAsync($"drop database if exists {name} with (force)", CancellationToken.None);
        }
    }
}
