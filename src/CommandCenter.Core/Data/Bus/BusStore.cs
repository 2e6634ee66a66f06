using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace CommandCenter.Core.Data.Bus;

/// <summary>Appends events inside the writer's transaction and reads them in commit-safe order.</summary>
public static class BusStore
{
    public const string Channel = "cc_bus";

    /// <summary>The wake-up: no payload, readers fetch what is new themselves.</summary>
    public const string NotifySql = $"select pg_notify('{Channel}', '')";

    /// <summary>Records an event in the caller's transaction: it becomes visible exactly when the change does.</summary>
    public static Task AppendAsync(NpgsqlConnection conn, IDbTransaction tx, string kind, IReadOnlyList<long> ids, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("insert into bus_event (kind, ids) values (@kind, @ids)", new { kind, ids = ids.ToArray() }, tx, cancellationToken: ct));

    /// <summary>
    /// Records an event in the caller's transaction and commits it, in one round trip: the event row rides with the
    /// COMMIT, so the bus costs a write no extra wait on the server. If the insert fails the COMMIT is skipped and the
    /// exception propagates; the transaction is then rolled back when it is disposed.
    /// </summary>
    public static async Task CommitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string kind, IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (tx.Connection != conn) throw new ArgumentException("The transaction belongs to another connection.", nameof(tx));
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("insert into bus_event (kind, ids) values ($1, $2)")
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = kind },
                        new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. ids] },
                    },
                },
                new NpgsqlBatchCommand("commit"),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Events after <paramref name="after"/> from transactions that have all finished. Transactions at or above the
    /// oldest one still in flight are held back: one of them may commit an event that sorts before a later one,
    /// and "id &gt; last seen" would skip it.
    /// </summary>
    public static async Task<IReadOnlyList<BusEvent>> ReadAsync(NpgsqlConnection conn, BusCursor after, int limit, CancellationToken ct) =>
        (await ReadPageAsync(conn, after, limit, notify: false, ct)).Events;

    /// <summary>
    /// <see cref="ReadAsync"/> in one prepared round trip, with what the read's snapshot saw: whether committed events
    /// are held back, and its bounds (see <see cref="BusPage"/>).
    /// With <paramref name="notify"/> the wake-up NOTIFY for other nodes rides in the same round trip, after the read (its
    /// commit then comes after the read's snapshot, so it never holds back what the read sees).
    /// </summary>
    public static async Task<BusPage> ReadPageAsync(NpgsqlConnection conn, BusCursor after, int limit, bool notify, CancellationToken ct)
    {
        // The last row is the snapshot's: id null, xmin and xmax, and whether committed events at or above xmin exist
        // (asked as an ordered LIMIT 1: as an EXISTS the planner chose a sequential scan of the whole table).
        const string sql = """
            with s as materialized (select pg_snapshot_xmin(c) as xmin, pg_snapshot_xmax(c) as xmax from pg_current_snapshot() c)
            (select e.id, e.tx::text, e.kind, e.ids, e.at, null::text, null::text, null::boolean
             from s, bus_event e
             where (e.tx, e.id) > ($1::xid8, $2) and e.tx < s.xmin
             order by e.tx, e.id
             limit $3)
            union all
            select null, null, null, null, null, s.xmin::text, s.xmax::text,
                   (select h.tx from bus_event h where (h.tx, h.id) > ($1::xid8, $2) and h.tx >= s.xmin order by h.tx, h.id limit 1) is not null
            from s
            """;
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(sql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = after.Tx.ToString() },
                        new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = after.Id },
                        new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit },
                    },
                },
            },
        };
        if (notify) batch.BatchCommands.Add(new NpgsqlBatchCommand(NotifySql));
        // Kept on the physical connection (pooled ones too): later reads skip parsing and planning.
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var events = new List<BusEvent>();
        BusPage? page = null;
        while (await reader.ReadAsync(ct))
        {
            if (reader.IsDBNull(0))
                page = new BusPage(events, reader.GetBoolean(7), ulong.Parse(reader.GetString(5)), ulong.Parse(reader.GetString(6)));
            else
                events.Add(new BusEvent(reader.GetInt64(0), ulong.Parse(reader.GetString(1)), reader.GetString(2),
                    reader.GetFieldValue<long[]>(3), DbTime.Utc(reader.GetDateTime(4))));
        }
        return page ?? throw new InvalidOperationException("The bus read returned no snapshot row.");
    }

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
