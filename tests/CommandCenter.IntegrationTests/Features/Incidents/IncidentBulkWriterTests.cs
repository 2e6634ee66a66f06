using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Incidents;

public sealed class IncidentBulkWriterTests : StartedCore
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T02:00:00Z");

    public IncidentBulkWriterTests() : base(new FakeTimeProvider(Now)) { }

    private async Task<BulkIncident[]> GenerateAsync(int perDay, int seed)
    {
        var generator = await Generators.CreateAsync(Services, seed);
        return generator.GenerateWithClusters(Now.AddDays(-2), Now, perDay).Select(p => IncidentGenerator.Materialize(p, Now).Incident).ToArray();
    }

    /// <summary>Manual analyzes (autovacuum's are counted apart) and the planner's row estimate, per table.</summary>
    private async Task<Dictionary<string, (long Analyzed, float Rows)>> StatisticsAsync()
    {
        await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
        var rows = await conn.QueryAsync<(string Table, long Analyzed, float Rows)>("""
            select s.relname::text, s.analyze_count, c.reltuples
            from pg_stat_user_tables s join pg_class c on c.oid = s.relid
            where s.relname in ('incident', 'assignment', 'incident_timeline')
            """);
        return rows.ToDictionary(r => r.Table, r => (r.Analyzed, r.Rows));
    }

    [Fact]
    public async Task Write_GrowingTheTables_LeavesThePlannerTheirSize()
    {
        var load = await GenerateAsync(1000, seed: 3);

        var written = await Get<IncidentBulkWriter>().WriteAsync(load);

        var statistics = await StatisticsAsync();
        Assert.Equal(written.IncidentIds.Count, statistics["incident"].Rows);
        Assert.Equal(written.Assignments, statistics["assignment"].Rows);
        Assert.Equal(written.TimelineEntries, statistics["incident_timeline"].Rows);
        Assert.All(statistics.Values, s => Assert.Equal(1, s.Analyzed));
    }

    [Fact]
    public async Task Write_SmallAgainstTheTables_LeavesTheStatisticsToAutovacuum()
    {
        await Get<IncidentBulkWriter>().WriteAsync(await GenerateAsync(1000, seed: 3));
        var before = await StatisticsAsync();

        var small = await GenerateAsync(20, seed: 4);
        Assert.InRange(small.Length, 1, before["incident"].Rows / 10 - 1);
        await Get<IncidentBulkWriter>().WriteAsync(small);

        Assert.Equal(before, await StatisticsAsync());
    }
}
