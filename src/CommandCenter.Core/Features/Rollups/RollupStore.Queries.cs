using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Incidents;
using Dapper;

namespace CommandCenter.Core.Features.Rollups;

public sealed partial class RollupStore
{
    /// <summary>Incidents reported per grid cell from the bucket holding <paramref name="from"/> up to <paramref name="to"/>, optionally of some categories only.</summary>
    public async Task<IReadOnlyList<HeatCell>> HeatAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? serviceCodes, CancellationToken ct)
    {
        const string sql = """
            select cell_x, cell_y, sum(reported)::int as count
            from rollup_cell
            where bucket >= @from and bucket < @to and (@codes::text[] is null or service_code = any(@codes))
            group by cell_x, cell_y
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(int X, int Y, int Count)>(new CommandDefinition(sql,
            new { from = BucketOf(from), to = to.UtcDateTime, codes = serviceCodes?.ToArray() }, cancellationToken: ct));
        return rows.Select(r => new HeatCell(new GridCell(r.X, r.Y), grid.CentreOf(new GridCell(r.X, r.Y)), r.Count)).ToList();
    }

    /// <summary>Incidents reported per cell and category in [from, to) (bucket-aligned bounds): what <see cref="RollupHeat"/> keeps.</summary>
    public async Task<IReadOnlyList<(GridCell Cell, string Code, int Count)>> HeatByCodeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            select cell_x, cell_y, service_code, sum(reported)::int
            from rollup_cell
            where bucket >= @from and bucket < @to
            group by 1, 2, 3
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(int X, int Y, string Code, int Count)>(new CommandDefinition(sql,
            new { from = from.UtcDateTime, to = to.UtcDateTime }, commandTimeout: 0, cancellationToken: ct));
        return rows.Select(r => (new GridCell(r.X, r.Y), r.Code, r.Count)).ToList();
    }

    /// <summary>rollup_cell_version of the hours in [from, to); hours never written are absent (version 0).</summary>
    public async Task<IReadOnlyDictionary<DateTimeOffset, long>> CellVersionsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(DateTime Hour, long Version)>(new CommandDefinition(
            "select hour, version from rollup_cell_version where hour >= @from and hour < @to",
            new { from = from.UtcDateTime, to = to.UtcDateTime }, cancellationToken: ct));
        return rows.ToDictionary(r => (DateTimeOffset)DbTime.Utc(r.Hour), r => r.Version);
    }

    /// <summary>Incidents reported per hour for the hours that start in [from, to), oldest first; hours with none are left out.</summary>
    public async Task<IReadOnlyList<BucketCount>> ReportedPerHourAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            select date_trunc('hour', bucket) as start, sum(reported)::int as count
            from rollup_cell
            where bucket >= @from and bucket < @to
            group by 1 order by 1
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(DateTime Start, int Count)>(new CommandDefinition(sql,
            new { from = from.UtcDateTime, to = to.UtcDateTime }, cancellationToken: ct));
        return rows.Select(r => new BucketCount(DbTime.Utc(r.Start), r.Count)).ToList();
    }

    /// <summary>The categories with most incidents reported from the bucket holding <paramref name="from"/> up to <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<CategoryCount>> TopCategoriesAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        const string sql = """
            select service_code, sum(reported)::int as count
            from rollup_cell
            where bucket >= @from and bucket < @to
            group by service_code order by count desc, service_code limit @limit
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Code, int Count)>(new CommandDefinition(sql,
            new { from = BucketOf(from), to = to.UtcDateTime, limit }, cancellationToken: ct));
        return rows.Select(r => new CategoryCount(r.Code, r.Count)).ToList();
    }

    /// <summary>
    /// The three rates' counts over the city days [<paramref name="from"/>, <paramref name="to"/>), by
    /// <paramref name="group"/> (the key is "" for <see cref="RateGroup.City"/>). Keys with nothing to count are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, RateCounts>> RatesAsync(DateOnly from, DateOnly to, RateGroup group, CancellationToken ct)
    {
        // Allow-listed columns only.
        var key = group switch
        {
            RateGroup.City => "''",
            RateGroup.District => "district_adcode",
            RateGroup.Street => "street_code",
            RateGroup.Department => "coalesce(department_code, '')",
            _ => throw new ArgumentOutOfRangeException(nameof(group)),
        };
        var sql = $"""
            select {key} as key,
                   coalesce(sum(response_due) filter (where report_day >= @from and report_day < @to), 0)::int as response_due,
                   coalesce(sum(responded_on_time) filter (where report_day >= @from and report_day < @to), 0)::int as responded_on_time,
                   coalesce(sum(solved_answered) filter (where close_day >= @from and close_day < @to), 0)::int as solved_answered,
                   coalesce(sum(solved) filter (where close_day >= @from and close_day < @to), 0)::int as solved,
                   coalesce(sum(rated) filter (where close_day >= @from and close_day < @to), 0)::int as rated,
                   coalesce(sum(satisfied) filter (where close_day >= @from and close_day < @to), 0)::int as satisfied
            from rollup_rate
            where ((report_day >= @from and report_day < @to) or (close_day >= @from and close_day < @to))
              and (@supplied = false or street_supplied)
            group by 1
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Key, int ResponseDue, int RespondedOnTime, int SolvedAnswered, int Solved, int Rated, int Satisfied)>(
            new CommandDefinition(sql, new { from, to, supplied = group == RateGroup.Street }, cancellationToken: ct));
        return rows
            .Select(r => (r.Key, Counts: new RateCounts(r.ResponseDue, r.RespondedOnTime, r.SolvedAnswered, r.Solved, r.Rated, r.Satisfied)))
            .Where(r => r.Counts != RateCounts.Zero)
            .ToDictionary(r => r.Key, r => r.Counts);
    }

    /// <summary>Where upkeep stands and how far behind it is: any node can ask.</summary>
    public async Task<RollupStatus> StatusAsync(CancellationToken ct)
    {
        const string sql = """
            select s.cursor_tx::text as tx, s.cursor_id as id, s.event_at, s.updated_at,
                   p.pending, p.oldest, now() as now
            from (select 1) one
            left join rollup_state s on s.name = @Name
            cross join lateral (
                select count(*) as pending, min(e.at) as oldest from bus_event e
                where (e.tx, e.id) > (coalesce(s.cursor_tx, '0'::xid8), coalesce(s.cursor_id, 0))
            ) p
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var r = await conn.QuerySingleAsync<(string? Tx, long? Id, DateTime? EventAt, DateTime? UpdatedAt, long Pending, DateTime? Oldest, DateTime Now)>(
            new CommandDefinition(sql, new { Name }, cancellationToken: ct));
        var lag = r.Oldest is { } oldest && r.Now > oldest ? r.Now - oldest : TimeSpan.Zero;
        return new RollupStatus(r.Tx is null ? BusCursor.Start : new BusCursor(ulong.Parse(r.Tx), r.Id ?? 0),
            r.EventAt is { } e ? DbTime.Utc(e) : null, r.UpdatedAt is { } u ? DbTime.Utc(u) : null, r.Pending, lag);
    }

    /// <summary>The start of the bucket holding <paramref name="t"/>, so a window counts the bucket it starts in.</summary>
    /// <summary>The start of the bucket holding <paramref name="t"/> (buckets are binned from 2000-01-01 UTC).</summary>
    public static DateTimeOffset BucketStart(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks - new DateTime(2000, 1, 1).Ticks) % Bucket.Ticks, TimeSpan.Zero);

    private static DateTime BucketOf(DateTimeOffset t) => BucketStart(t).UtcDateTime;
}
