using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using CommandCenter.Core.Features.Rollups;
using Npgsql;

namespace CommandCenter.Core.Data.Bus;

/// <summary>
/// Keeps bus_event from growing for ever (a Beijing year is ~25 million events): on the leader, every
/// <see cref="BusOptions.RetentionCheck"/> it deletes events older than <see cref="BusOptions.Retention"/> that the
/// rollups have counted. Nodes read events within seconds and reload their state from the tables when they start, so
/// only the rollups' saved cursor can be far behind.
/// </summary>
public sealed class BusRetentionJob(NpgsqlDataSource dataSource, TimeProvider time, IOptions<BusOptions> options, ILogger<BusRetentionJob> logger) : ILeaderJob
{
    // Small batches, each its own short transaction: a long one would hold back every node's bus until it ended.
    private const int Batch = 10_000;

    public string Name => "bus-retention";

    public Task RunAsync(CancellationToken leadership) => LeaderLoop.EveryAsync(options.Value.RetentionCheck, time, async ct =>
    {
        if (await PurgeAsync(ct) is > 0 and var n)
            logger.LogInformation("Deleted {Count} bus events older than {Retention}", n, options.Value.Retention);
    }, logger, leadership);

    /// <summary>Deletes what is past retention and counted by the rollups; returns how many events went.</summary>
    public async Task<long> PurgeAsync(CancellationToken ct)
    {
        const string sql = """
            delete from bus_event where ctid in (
                select e.ctid from bus_event e, rollup_state r
                where r.name = @rollups and e.at < @cutoff and (e.tx, e.id) <= (r.cursor_tx, r.cursor_id)
                limit @Batch)
            """;
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        long total = 0;
        while (true)
        {
            await using var cmd = new NpgsqlCommand(sql, conn)
            {
                Parameters = { new("cutoff", cutoff.UtcDateTime), new("Batch", Batch), new("rollups", RollupStore.Name) },
            };
            var deleted = await cmd.ExecuteNonQueryAsync(ct);
            total += deleted;
            if (deleted < Batch) return total;
        }
    }
}
