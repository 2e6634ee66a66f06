using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Rollups;

/// <summary>
/// Keeps rollup_cell and rollup_rate (see sql/0007) and answers the live screens' questions from them. Upkeep
/// recomputes whole buckets and days from the incidents, so it is idempotent.
/// </summary>
public sealed partial class RollupStore(NpgsqlDataSource dataSource, RollupGrid grid, CityClock clock)
{
    public const string Name = "incidents";

    /// <summary>Raised when the rollups' shape changes: state saved under another layout is rebuilt.</summary>
    private const string Layout = "2";

    /// <summary>The width of a rollup_cell bucket.</summary>
    public static readonly TimeSpan Bucket = TimeSpan.FromMinutes(10);

    private const int ReadBatch = 5_000;
    private const int MaxEventsPerCatchUp = 100_000;
    private const int MaxCellsRecountedOneByOne = 2_000;

    /// <summary>A rollup_cell's key.</summary>
    private sealed record CellKey(DateTime Bucket, string District, int X, int Y, string Code);

    /// <summary>
    /// Where upkeep resumes. With no state, or state built on another grid, everything is rebuilt first; the cursor
    /// is taken before the rebuild, so events that land meanwhile are recounted (harmless) rather than missed.
    /// </summary>
    public async Task<BusCursor> OpenAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var state = await conn.QuerySingleOrDefaultAsync<(string Grid, string Tx, long Id)?>(new CommandDefinition(
            "select grid, cursor_tx::text, cursor_id from rollup_state where name = @Name", new { Name }, cancellationToken: ct));
        if (state is { } s && s.Grid == Signature) return new BusCursor(ulong.Parse(s.Tx), s.Id);

        var head = await BusStore.HeadAsync(conn, ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from rollup_cell; delete from rollup_rate; delete from rollup_resolved; delete from rollup_dirty_day", cancellationToken: ct));
        var span = await conn.QuerySingleAsync<(DateTime? First, DateTime? Last)>(new CommandDefinition(
            "select min(reported_at), max(reported_at) from incident", cancellationToken: ct));
        if (span is { First: { } first, Last: { } last })
        {
            // One day at a time: bounded memory, and short write transactions that never hold the event bus back for long.
            for (var day = clock.DayOf(DbTime.Utc(first)); day <= clock.DayOf(DbTime.Utc(last)); day = day.AddDays(1))
            {
                await RecomputeCellsAsync(conn, clock.StartOf(day), clock.StartOf(day.AddDays(1)), cells: null, ct);
                await RecomputeDayAsync(conn, day, null, ct);
            }
        }
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SaveAsync(conn, tx, head, null, ct);
        await tx.CommitAsync(ct);
        return head;
    }

    /// <summary>
    /// Counts the events after <paramref name="cursor"/>: recomputes the buckets of newly reported incidents, marks the
    /// report days of every changed incident for <see cref="RecomputeDirtyDaysAsync"/>, and saves the cursor.
    /// </summary>
    public async Task<(BusCursor Cursor, IReadOnlyList<BusEvent> Events)> CatchUpAsync(BusCursor cursor, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var events = new List<BusEvent>();
        var next = cursor;
        while (events.Count < MaxEventsPerCatchUp)
        {
            var batch = await BusStore.ReadAsync(conn, next, ReadBatch, ct);
            events.AddRange(batch);
            if (batch.Count > 0) next = new BusCursor(batch[^1].Tx, batch[^1].Id);
            if (batch.Count < ReadBatch) break;
        }
        if (events.Count == 0) return (cursor, events);

        var incidents = events.Where(e => e.Kind.StartsWith(BusKinds.IncidentPrefix, StringComparison.Ordinal)).ToList();
        var reported = incidents.Where(e => e.Kind is BusKinds.IncidentReported or IncidentBulkWriter.ImportedKind).SelectMany(e => e.Ids).Distinct().ToArray();
        var changed = incidents.SelectMany(e => e.Ids).Distinct().ToArray();

        var cells = reported.Length == 0 ? [] : (await conn.QueryAsync<CellKey>(new CommandDefinition("""
            select distinct date_bin(@Bucket, reported_at, timestamptz '2000-01-01') as Bucket, district_adcode as District,
                   floor(lon * @kx)::int as X, floor(lat * @ky)::int as Y, service_code as Code
            from incident where id = any(@reported)
            """, new { Bucket, reported, kx = grid.Kx, ky = grid.Ky }, cancellationToken: ct))).ToList();
        // Live upkeep recounts only the cells the new incidents fell in (a storm adds to one bucket of thousands of
        // cells); a bulk load recounts whole buckets. Either way, run by run of adjacent buckets: a late report from
        // last month next to today's never makes a recount read the month between.
        var byBucket = cells.ToLookup(c => DbTime.Utc(c.Bucket));
        foreach (var (from, to) in Runs(byBucket.Select(g => g.Key).Order(), b => b + Bucket))
        {
            var run = new List<CellKey>();
            for (var b = from; b < to; b += Bucket) run.AddRange(byBucket[b]);
            await RecomputeCellsAsync(conn, from, to, run.Count <= MaxCellsRecountedOneByOne ? run : null, ct);
        }

        // A crash before this commit only means the events are read again: recomputing is idempotent.
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (changed.Length > 0)
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into rollup_dirty_day (day, mark)
                select day, nextval('rollup_dirty_mark')
                from (select distinct (reported_at at time zone @zone)::date as day from incident where id = any(@changed)) d
                on conflict (day) do update set mark = excluded.mark
                """, new { zone = clock.Zone.Id, changed }, tx, cancellationToken: ct));
        await SaveAsync(conn, tx, next, events.Max(e => e.At), ct);
        await tx.CommitAsync(ct);
        return (next, events);
    }

    /// <summary>
    /// Recomputes the rate rollups of the days marked dirty, plus today and yesterday when <paramref name="recentDays"/>
    /// (a response window that closes unanswered changes them with no event). Returns the days recomputed.
    /// </summary>
    public async Task<IReadOnlyCollection<DateOnly>> RecomputeDirtyDaysAsync(bool recentDays, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var days = (await conn.QueryAsync<(DateTime Day, long Mark)>(new CommandDefinition("select day, mark from rollup_dirty_day", cancellationToken: ct)))
            .ToDictionary(d => DateOnly.FromDateTime(d.Day), d => (long?)d.Mark);
        if (recentDays)
            foreach (var day in new[] { clock.Today, clock.Today.AddDays(-1) }) days.TryAdd(day, null);
        foreach (var (day, mark) in days.OrderBy(d => d.Key))
            await RecomputeDayAsync(conn, day, mark, ct);
        return days.Keys;
    }

    /// <summary>
    /// Recounts the cells of [from, to) from the incidents: all of them, or only <paramref name="cells"/> (a storm adds to
    /// a few cells of a bucket that holds thousands). The count is read first, outside any transaction, so the write
    /// transaction that replaces the rows is short (a long one would hold every node's event bus back until it ends);
    /// the hours they lie in get a new version, so screens reload them.
    /// </summary>
    private async Task RecomputeCellsAsync(NpgsqlConnection conn, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<CellKey>? cells, CancellationToken ct)
    {
        var range = new { from = from.UtcDateTime, to = to.UtcDateTime, Bucket, kx = grid.Kx, ky = grid.Ky };
        // The whole range is counted and the listed cells picked here: matched in SQL, the planner (whose statistics
        // cannot know how many incidents just arrived) looped over every incident × cell pair, 60 ms a catch-up in a storm.
        var rows = (await conn.QueryAsync<(DateTime Bucket, string District, int X, int Y, string Code, int Reported)>(new CommandDefinition("""
            select date_bin(@Bucket, reported_at, timestamptz '2000-01-01') as bucket, district_adcode, floor(lon * @kx)::int as cell_x,
                   floor(lat * @ky)::int as cell_y, service_code, count(*)::int as reported
            from incident
            where reported_at >= @from and reported_at < @to
            group by 1, 2, 3, 4, 5
            """, range, commandTimeout: 0, cancellationToken: ct))).ToList();
        if (cells is not null)
        {
            var listed = cells.ToHashSet();
            rows = rows.Where(r => listed.Contains(new CellKey(r.Bucket, r.District, r.X, r.Y, r.Code))).ToList();
        }
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (cells is null)
            await conn.ExecuteAsync(new CommandDefinition("delete from rollup_cell where bucket >= @from and bucket < @to", range, tx, cancellationToken: ct));
        // Listed cells were read off incidents, which are never deleted, so each is counted: an upsert replaces them, one
        // index lookup each (a delete by a key list was planned as a scan of the range, 100 ms a catch-up in a storm).
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into rollup_cell (bucket, district_adcode, cell_x, cell_y, service_code, reported)
            select * from unnest(@buckets::timestamptz[], @districts::char(6)[], @xs::int[], @ys::int[], @codes::text[], @counts::int[])
            on conflict (bucket, district_adcode, cell_x, cell_y, service_code) do update set reported = excluded.reported
            """, new
        {
            buckets = rows.Select(r => DateTime.SpecifyKind(r.Bucket, DateTimeKind.Utc)).ToArray(), districts = rows.Select(r => r.District).ToArray(),
            xs = rows.Select(r => r.X).ToArray(), ys = rows.Select(r => r.Y).ToArray(), codes = rows.Select(r => r.Code).ToArray(),
            counts = rows.Select(r => r.Reported).ToArray(),
        }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into rollup_cell_version (hour, version)
            select h, nextval('rollup_cell_version_seq') from unnest(@hours::timestamptz[]) h
            on conflict (hour) do update set version = excluded.version
            """, new { hours = RollupHeat.HoursOf(from, to).Select(h => h.UtcDateTime).ToArray() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Recomputes rollup_rate and rollup_resolved for one report day, reading first and writing in a short transaction;
    /// clears the day's dirty mark if it is still <paramref name="mark"/> (a day marked again meanwhile stays dirty).
    /// </summary>
    private async Task RecomputeDayAsync(NpgsqlConnection conn, DateOnly day, long? mark, CancellationToken ct)
    {
        const string rates = """
            select i.district_adcode, i.street_code, i.street_source = 'supplied' as supplied, lead.department_code,
                   (i.closed_at at time zone @zone)::date as close_day,
                   count(*) filter (where i.on_time or i.deadline <= @asOf)::int as response_due,
                   count(*) filter (where i.on_time)::int as responded_on_time,
                   count(*) filter (where i.closed_at is not null and i.solved is not null)::int as solved_answered,
                   count(*) filter (where i.closed_at is not null and i.solved)::int as solved,
                   count(*) filter (where i.closed_at is not null and i.satisfaction is not null)::int as rated,
                   count(*) filter (where i.closed_at is not null and i.satisfaction in ('satisfied', 'basically-satisfied'))::int as satisfied
            from (
                select d.*, coalesce(d.responded_at <= d.deadline, false) as on_time
                from (
                    select x.*, x.reported_at + case x.sla_tier when '2h' then @w2h when '24h' then @w24h else @wDays end as deadline
                    from incident x
                    where x.reported_at >= @from and x.reported_at < @to
                ) d
            ) i
            left join lateral (
                select a.department_code from assignment a where a.incident_id = i.id and a.role = 'lead' order by a.id desc limit 1
            ) lead on true
            group by 1, 2, 3, 4, 5
            """;
        const string resolved = """
            select i.district_adcode, i.service_code, a.department_code, count(*)::int as resolved
            from incident i
            join assignment a on a.incident_id = i.id and a.role = 'lead' and a.status = 'resolved'
            where i.reported_at >= @from and i.reported_at < @to
            group by 1, 2, 3
            """;
        var args = new
        {
            zone = clock.Zone.Id, asOf = clock.UtcNow, from = clock.StartOf(day).UtcDateTime, to = clock.StartOf(day.AddDays(1)).UtcDateTime,
            w2h = ThreeRateFormulas.ResponseWindow(SlaTier.Hours2), w24h = ThreeRateFormulas.ResponseWindow(SlaTier.Hours24),
            wDays = ThreeRateFormulas.ResponseWindow(SlaTier.WorkingDays7),
        };
        var r = (await conn.QueryAsync<(string District, string Street, bool Supplied, string? Department, DateTime? CloseDay,
            int ResponseDue, int RespondedOnTime, int SolvedAnswered, int Solved, int Rated, int Satisfied)>(
            new CommandDefinition(rates, args, commandTimeout: 0, cancellationToken: ct))).ToList();
        var v = (await conn.QueryAsync<(string District, string Code, string Department, int Resolved)>(
            new CommandDefinition(resolved, args, commandTimeout: 0, cancellationToken: ct))).ToList();

        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            delete from rollup_rate where report_day = @day;
            insert into rollup_rate (report_day, close_day, district_adcode, street_code, street_supplied, department_code,
                                     response_due, responded_on_time, solved_answered, solved, rated, satisfied)
            select @day, * from unnest(@closeDays::date[], @districts::char(6)[], @streets::char(9)[], @supplied::boolean[], @departments::text[],
                                       @due::int[], @onTime::int[], @answered::int[], @solved::int[], @rated::int[], @satisfied::int[]);
            delete from rollup_resolved where report_day = @day;
            insert into rollup_resolved (report_day, district_adcode, service_code, department_code, resolved)
            select @day, * from unnest(@rDistricts::char(6)[], @rCodes::text[], @rDepartments::text[], @rCounts::int[]);
            delete from rollup_dirty_day where day = @day and mark = @mark;
            """, new
        {
            day, mark,
            closeDays = r.Select(x => x.CloseDay is { } c ? DateOnly.FromDateTime(c) : (DateOnly?)null).ToArray(),
            districts = r.Select(x => x.District).ToArray(), streets = r.Select(x => x.Street).ToArray(), supplied = r.Select(x => x.Supplied).ToArray(),
            departments = r.Select(x => x.Department).ToArray(), due = r.Select(x => x.ResponseDue).ToArray(),
            onTime = r.Select(x => x.RespondedOnTime).ToArray(), answered = r.Select(x => x.SolvedAnswered).ToArray(),
            solved = r.Select(x => x.Solved).ToArray(), rated = r.Select(x => x.Rated).ToArray(), satisfied = r.Select(x => x.Satisfied).ToArray(),
            rDistricts = v.Select(x => x.District).ToArray(), rCodes = v.Select(x => x.Code).ToArray(),
            rDepartments = v.Select(x => x.Department).ToArray(), rCounts = v.Select(x => x.Resolved).ToArray(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    private string Signature => $"{grid.Signature}/{Layout}";

    private Task SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, BusCursor cursor, DateTimeOffset? eventAt, CancellationToken ct)
    {
        const string sql = """
            insert into rollup_state (name, grid, cursor_tx, cursor_id, event_at, updated_at)
            values (@Name, @grid, @tx::xid8, @id, @eventAt, now())
            on conflict (name) do update set grid = excluded.grid, cursor_tx = excluded.cursor_tx, cursor_id = excluded.cursor_id,
                event_at = coalesce(excluded.event_at, rollup_state.event_at), updated_at = now()
            """;
        return conn.ExecuteAsync(new CommandDefinition(sql, new { Name, grid = Signature, tx = cursor.Tx.ToString(), id = cursor.Id, eventAt }, tx, cancellationToken: ct));
    }

    /// <summary>Merges sorted keys into [from, to) runs where each key's end is the next key.</summary>
    private static IEnumerable<(T From, T To)> Runs<T>(IEnumerable<T> sorted, Func<T, T> end) where T : IEquatable<T>
    {
        (T From, T To)? run = null;
        foreach (var key in sorted)
        {
            if (run is { } r && r.To.Equals(key)) run = (r.From, end(key));
            else
            {
                if (run is { } done) yield return done;
                run = (key, end(key));
            }
        }
        if (run is { } last) yield return last;
    }
}
