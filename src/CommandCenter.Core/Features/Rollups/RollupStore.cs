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

    /// <summary>Bounds wider than any incident's time, for a full rebuild.</summary>
    private static readonly (DateTimeOffset From, DateTimeOffset To) Ever =
        (new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(3000, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private const int ReadBatch = 5_000;
    private const int MaxEventsPerCatchUp = 100_000;

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
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("delete from rollup_cell; delete from rollup_rate; delete from rollup_resolved; delete from rollup_dirty_day", transaction: tx, cancellationToken: ct));
        await RecomputeCellsAsync(conn, tx, Ever.From, Ever.To, ct);
        await RecomputeRatesAsync(conn, tx, null, ct);
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

        await using var tx = await conn.BeginTransactionAsync(ct);
        var buckets = reported.Length == 0 ? [] : (await conn.QueryAsync<DateTime>(new CommandDefinition(
            "select distinct date_bin(@Bucket, reported_at, timestamptz '2000-01-01') from incident where id = any(@reported)",
            new { Bucket, reported }, tx, cancellationToken: ct))).Select(DbTime.Utc).ToList();
        foreach (var (from, to) in Runs(buckets.Order(), b => b + Bucket))
            await RecomputeCellsAsync(conn, tx, from, to, ct);
        if (changed.Length > 0)
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into rollup_dirty_day (day)
                select distinct (reported_at at time zone @zone)::date from incident where id = any(@changed)
                on conflict do nothing
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
        await using var tx = await conn.BeginTransactionAsync(ct);
        var days = (await conn.QueryAsync<DateTime>(new CommandDefinition("delete from rollup_dirty_day returning day", transaction: tx, cancellationToken: ct)))
            .Select(DateOnly.FromDateTime).ToHashSet();
        if (recentDays) days.UnionWith([clock.Today, clock.Today.AddDays(-1)]);
        foreach (var (from, to) in Runs(days.Order(), d => d.AddDays(1)))
            await RecomputeRatesAsync(conn, tx, (from, to), ct);
        await tx.CommitAsync(ct);
        return days;
    }

    private async Task RecomputeCellsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            delete from rollup_cell where bucket >= @from and bucket < @to;
            insert into rollup_cell (bucket, district_adcode, cell_x, cell_y, service_code, reported)
            select date_bin(@Bucket, reported_at, timestamptz '2000-01-01'), district_adcode, floor(lon * @kx)::int, floor(lat * @ky)::int, service_code, count(*)
            from incident
            where reported_at >= @from and reported_at < @to
            group by 1, 2, 3, 4, 5
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new { from = from.UtcDateTime, to = to.UtcDateTime, Bucket, kx = grid.Kx, ky = grid.Ky }, tx,
            commandTimeout: 0, cancellationToken: ct));
    }

    /// <summary>Recomputes rollup_rate and rollup_resolved for the report days in [from, to), or all of them.</summary>
    private async Task RecomputeRatesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, (DateOnly From, DateOnly To)? days, CancellationToken ct)
    {
        const string sql = """
            delete from rollup_rate where report_day >= @fromDay and report_day < @toDay;
            insert into rollup_rate (report_day, close_day, district_adcode, street_code, street_supplied, department_code,
                                     response_due, responded_on_time, solved_answered, solved, rated, satisfied)
            select (i.reported_at at time zone @zone)::date, (i.closed_at at time zone @zone)::date, i.district_adcode, i.street_code,
                   i.street_source = 'supplied', lead.department_code,
                   count(*) filter (where i.on_time or i.deadline <= @asOf),
                   count(*) filter (where i.on_time),
                   count(*) filter (where i.closed_at is not null and i.solved is not null),
                   count(*) filter (where i.closed_at is not null and i.solved),
                   count(*) filter (where i.closed_at is not null and i.satisfaction is not null),
                   count(*) filter (where i.closed_at is not null and i.satisfaction in ('satisfied', 'basically-satisfied'))
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
            group by 1, 2, 3, 4, 5, 6;

            delete from rollup_resolved where report_day >= @fromDay and report_day < @toDay;
            insert into rollup_resolved (report_day, district_adcode, service_code, department_code, resolved)
            select (i.reported_at at time zone @zone)::date, i.district_adcode, i.service_code, a.department_code, count(*)
            from incident i
            join assignment a on a.incident_id = i.id and a.role = 'lead' and a.status = 'resolved'
            where i.reported_at >= @from and i.reported_at < @to
            group by 1, 2, 3, 4
            """;
        var (fromDay, toDay) = days ?? (DateOnly.FromDateTime(Ever.From.UtcDateTime), DateOnly.FromDateTime(Ever.To.UtcDateTime));
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            fromDay, toDay, zone = clock.Zone.Id, asOf = clock.UtcNow,
            from = clock.StartOf(fromDay).UtcDateTime, to = clock.StartOf(toDay).UtcDateTime,
            w2h = ThreeRateFormulas.ResponseWindow(SlaTier.Hours2), w24h = ThreeRateFormulas.ResponseWindow(SlaTier.Hours24),
            wDays = ThreeRateFormulas.ResponseWindow(SlaTier.WorkingDays7),
        }, tx, commandTimeout: 0, cancellationToken: ct));
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
