using System.Data;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Data.Bus;

/// <summary>Appends events inside the writer's transaction and reads them in commit-safe order.</summary>
public static class BusStore
{
    public const string Channel = "cc_bus";

    /// <summary>Records an event in the caller's transaction: it becomes visible exactly when the change does.</summary>
    public static Task AppendAsync(NpgsqlConnection conn, IDbTransaction tx, string kind, IReadOnlyList<long> ids, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("insert into bus_event (kind, ids) values (@kind, @ids)", new { kind, ids = ids.ToArray() }, tx, cancellationToken: ct));

    /// <summary>
    /// Events after <paramref name="after"/> from transactions that have all finished. Transactions at or above the
    /// oldest one still in flight are held back: one of them may commit an event that sorts before a later one,
    /// and "id &gt; last seen" would skip it.
    /// </summary>
    public static async Task<IReadOnlyList<BusEvent>> ReadAsync(NpgsqlConnection conn, BusCursor after, int limit, CancellationToken ct)
    {
        const string sql = """
            select id, tx::text as tx, kind, ids, at
            from bus_event
            where (tx, id) > (@tx::xid8, @id) and tx < pg_snapshot_xmin(pg_current_snapshot())
            order by tx, id
            limit @limit
            """;
        var rows = await conn.QueryAsync<(long Id, string Tx, string Kind, long[] Ids, DateTime At)>(
            new CommandDefinition(sql, new { tx = after.Tx.ToString(), id = after.Id, limit }, cancellationToken: ct));
        return rows.Select(r => new BusEvent(r.Id, ulong.Parse(r.Tx), r.Kind, r.Ids, DbTime.Utc(r.At))).ToList();
    }

    /// <summary>Whether committed events after the cursor exist that <see cref="ReadAsync"/> still holds back.</summary>
    public static Task<bool> AnyHeldBackAsync(NpgsqlConnection conn, BusCursor after, CancellationToken ct) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from bus_event where (tx, id) > (@tx::xid8, @id))",
            new { tx = after.Tx.ToString(), id = after.Id }, cancellationToken: ct));

    /// <summary>Where a new reader starts: after everything already finished (it loads current state from the tables).</summary>
    public static async Task<BusCursor> HeadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string sql = """
            select tx::text, id from bus_event
            where tx < pg_snapshot_xmin(pg_current_snapshot())
            order by tx desc, id desc
            limit 1
            """;
        var head = await conn.QuerySingleOrDefaultAsync<(string Tx, long Id)?>(new CommandDefinition(sql, cancellationToken: ct));
        return head is { } h ? new BusCursor(ulong.Parse(h.Tx), h.Id) : BusCursor.Start;
    }
}
