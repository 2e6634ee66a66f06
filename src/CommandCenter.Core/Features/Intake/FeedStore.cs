using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Intake;

/// <summary>Feeds are API clients (named, with an owning department and an expected cadence): when each last delivered.</summary>
public sealed class FeedStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records a delivery; written at most once a second per feed, so a flood is not a write storm.</summary>
    public async Task TouchAsync(long feedId, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "update api_client set last_received_at = @at where id = @feedId and (last_received_at is null or last_received_at < @at - interval '1 second')",
            new { feedId, at }, cancellationToken: ct));
    }
}
