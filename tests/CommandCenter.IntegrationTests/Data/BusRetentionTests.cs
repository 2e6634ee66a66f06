using CommandCenter.Core.Data.Bus;
using CommandCenter.Testing;
using Dapper;
using Npgsql;

namespace CommandCenter.IntegrationTests.Data;

public sealed class BusRetentionTests : StartedCore
{
    [Fact]
    public async Task Purge_DeletesOnlyOldEventsTheRollupsHaveCounted()
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await AppendAsync(conn, 1, TimeSpan.FromDays(8));
        await AppendAsync(conn, 2, TimeSpan.Zero);
        // The rollups have counted up to event 2; event 3 is old (an archive import, say) but not counted yet.
        await conn.ExecuteAsync("""
            insert into rollup_state (name, grid, cursor_tx, cursor_id, updated_at)
            select 'incidents', 'test', tx, id, now() from bus_event where ids = '{2}'
            on conflict (name) do update set cursor_tx = excluded.cursor_tx, cursor_id = excluded.cursor_id
            """);
        await AppendAsync(conn, 3, TimeSpan.FromDays(8));

        var deleted = await Get<BusRetentionJob>().PurgeAsync(default);

        Assert.Equal(1, deleted);
        Assert.Equal([2L, 3L], (await conn.QueryAsync<long>("select ids[1] from bus_event where kind = 'test' order by ids[1]")).ToList());
    }

    [Fact]
    public async Task Purge_NoRollupState_DeletesNothing()
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.ExecuteAsync("delete from rollup_state");
        await AppendAsync(conn, 1, TimeSpan.FromDays(30));

        Assert.Equal(0, await Get<BusRetentionJob>().PurgeAsync(default));
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("select count(*) from bus_event where ids = '{1}'"));
    }

    private static Task AppendAsync(NpgsqlConnection conn, long id, TimeSpan age) =>
        conn.ExecuteAsync("insert into bus_event (kind, ids, at) values ('test', array[@id], now() - @age)", new { id, age });
}
