using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Intake;

/// <summary>Feeds are API clients (named, with an owning department and an expected cadence): when each last delivered.</summary>
public sealed class FeedStore(NpgsqlDataSource dataSource)
{
    private static readonly TimeSpan Resolution = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<long, DateTimeOffset> touched = new();

    /// <summary>Records a delivery; written at most once a second per feed (per node in memory, across nodes in SQL), so a flood is not a write storm.</summary>
    public async Task TouchAsync(long feedId, DateTimeOffset at, CancellationToken ct)
    {
        if (touched.TryGetValue(feedId, out var last) && at - last < Resolution) return;
        touched[feedId] = at;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "update api_client set last_received_at = @at where id = @feedId and (last_received_at is null or last_received_at < @at - interval '1 second')",
            new { feedId, at }, cancellationToken: ct));
    }
}
