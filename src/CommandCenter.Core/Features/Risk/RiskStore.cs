using System.Data;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using static CommandCenter.Core.Data.DbTime;

namespace CommandCenter.Core.Features.Risk;

/// <summary>The latest reading of one series.</summary>
public sealed record LatestReading(string IndicatorCode, string? DistrictAdcode, double Value, DateTimeOffset At)
{
    public SeriesKey Key => new(IndicatorCode, DistrictAdcode);
}

/// <summary>An alert with the domain of its indicator and its level changes, oldest first (for the hourly sparklines).</summary>
public sealed record AlertLevelHistory(long AlertId, string Domain, IReadOnlyList<(DateTimeOffset At, AlertLevel Level)> Changes);

/// <summary>SQL for alerts, their history and reading series. Writes take the caller's transaction.</summary>
public sealed class RiskStore(NpgsqlDataSource dataSource, ReadingService readings, CityClock clock, IOptions<RiskOptions> options)
{
    public const string EngineFeed = "system:risk-engine";
    public const string SimulatorFeed = "system:simulator";

    private const string AlertColumns = """
        a.id, a.indicator_code, a.district_adcode, a.level, a.peak_level, a.value, a.raised_at, a.level_changed_at, a.cleared_at,
        a.acknowledged_by, a.acknowledged_at, a.ack_comment
        """;

    /// <summary>The indicator catalog (cached for the process).</summary>
    public Task<IReadOnlyDictionary<string, Indicator>> IndicatorsAsync(CancellationToken ct = default) => readings.IndicatorsAsync(ct);

    /// <summary>
    /// Bucketed points of one series in [<paramref name="from"/>, <paramref name="to"/>) for the console's chart. Buckets
    /// are whole minutes, about 120 over the range unless <paramref name="bucket"/> says otherwise, aligned to the city's midnight.
    /// </summary>
    public async Task<IReadOnlyList<SeriesPoint>> SeriesAsync(string indicatorCode, string? districtAdcode, DateTimeOffset from, DateTimeOffset to,
        TimeSpan? bucket = null, CancellationToken ct = default)
    {
        if (to <= from) return [];
        var step = bucket ?? BucketFor(to - from);
        // Two texts rather than "is not distinct from", so both use the (indicator, district, at) index.
        var where = districtAdcode is null ? "district_adcode is null" : "district_adcode = @districtAdcode";
        var sql = $"""
            select date_bin(@step, at, @origin) as start, min(value) as min, max(value) as max, avg(value) as mean,
                   (array_agg(value order by at desc, id desc))[1] as last, count(*)::int as count
            from reading
            where indicator_code = @indicatorCode and {where} and at >= @from and at < @to
            group by 1 order by 1
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(DateTime Start, double Min, double Max, double Mean, double Last, int Count)>(new CommandDefinition(sql, new
        {
            step, origin = clock.StartOf(new DateOnly(2000, 1, 1)), indicatorCode, districtAdcode, from, to,
        }, cancellationToken: ct));
        return rows.Select(r => new SeriesPoint(Utc(r.Start), r.Min, r.Max, r.Mean, r.Last, r.Count)).ToList();
    }

    /// <summary>A per-district indicator's latest value and level in every district (districts without readings have no value).</summary>
    public async Task<IReadOnlyList<DistrictReading>> BreakdownAsync(string indicatorCode, CancellationToken ct = default)
    {
        const string sql = """
            select d.adcode as district, r.value, r.at, a.level
            from district d
            left join lateral (select value, at from reading where indicator_code = @indicatorCode and district_adcode = d.adcode order by at desc, id desc limit 1) r on true
            left join alert a on a.indicator_code = @indicatorCode and a.district_adcode = d.adcode and a.cleared_at is null
            order by d.adcode
            """;
        var now = clock.UtcNow;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string District, double? Value, DateTime? At, string? Level)>(new CommandDefinition(sql, new { indicatorCode }, cancellationToken: ct));
        return rows.Select(r => new DistrictReading(r.District, r.Value, Utc(r.At), r.Level is null ? AlertLevel.None : IncidentCodes.Parse<AlertLevel>(r.Level),
            r.At is { } at && now - Utc(at) > options.Value.StaleAfter)).ToList();
    }

    /// <summary>The latest reading of every series that has one: one index probe per indicator × district.</summary>
    public async Task<IReadOnlyList<LatestReading>> LatestAsync(CancellationToken ct = default)
    {
        const string sql = """
            select i.code as indicator, d.adcode as district, r.value, r.at
            from indicator i join district d on i.scope = 'district'
            cross join lateral (select value, at from reading where indicator_code = i.code and district_adcode = d.adcode order by at desc, id desc limit 1) r
            union all
            select i.code, null, r.value, r.at
            from indicator i
            cross join lateral (select value, at from reading where indicator_code = i.code and district_adcode is null order by at desc, id desc limit 1) r
            where i.scope = 'city'
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Indicator, string? District, double Value, DateTime At)>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new LatestReading(r.Indicator, r.District, r.Value, Utc(r.At))).ToList();
    }

    public async Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AlertRow>(new CommandDefinition($"select {AlertColumns} from alert a where a.cleared_at is null order by a.id",
            cancellationToken: ct))).Select(r => r.ToAlert()).ToList();
    }

    /// <summary>The open order made from each open alert, by alert id.</summary>
    public async Task<IReadOnlyDictionary<long, long>> OpenOrdersByAlertAsync(CancellationToken ct = default)
    {
        const string sql = """
            select a.id, o.id from alert a
            join dispatch_order o on o.status = 'active' and o.source_kind = 'alert' and o.source_ref = a.id::text
            where a.cleared_at is null
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(long Alert, long Order)>(new CommandDefinition(sql, cancellationToken: ct))).ToDictionary(r => r.Alert, r => r.Order);
    }

    public async Task<Alert?> GetAlertAsync(long alertId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition($"select {AlertColumns} from alert a where a.id = @alertId",
            new { alertId }, cancellationToken: ct)))?.ToAlert();
    }

    /// <summary>An alert's history, oldest first.</summary>
    public async Task<IReadOnlyList<AlertEvent>> HistoryAsync(long alertId, CancellationToken ct = default)
    {
        const string sql = "select id, alert_id, kind, from_level, to_level, value, at, actor, comment from alert_event where alert_id = @alertId order by id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Id, long AlertId, string Kind, string From, string To, double? Value, DateTime At, string Actor, string? Comment)>(
            new CommandDefinition(sql, new { alertId }, cancellationToken: ct));
        return rows.Select(r => new AlertEvent(r.Id, r.AlertId, IncidentCodes.Parse<AlertEventKind>(r.Kind), IncidentCodes.Parse<AlertLevel>(r.From),
            IncidentCodes.Parse<AlertLevel>(r.To), r.Value, Utc(r.At), r.Actor, r.Comment)).ToList();
    }

    /// <summary>The level changes of every alert open at some time in [<paramref name="from"/>, <paramref name="to"/>), with the change in force at <paramref name="from"/>.</summary>
    public async Task<IReadOnlyList<AlertLevelHistory>> LevelHistoryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        const string sql = """
            select a.id, i.domain, e.at, e.to_level
            from alert a
            join indicator i on i.code = a.indicator_code
            join alert_event e on e.alert_id = a.id and e.kind <> 'acknowledged'
            where a.raised_at < @to and (a.cleared_at is null or a.cleared_at >= @from)
            order by a.id, e.id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Id, string Domain, DateTime At, string Level)>(new CommandDefinition(sql, new { from, to }, cancellationToken: ct));
        return rows.GroupBy(r => (r.Id, r.Domain))
            .Select(g => new AlertLevelHistory(g.Key.Id, g.Key.Domain, g.Select(r => (Utc(r.At), IncidentCodes.Parse<AlertLevel>(r.Level))).ToList())).ToList();
    }

    /// <summary>The id of a system feed (<see cref="EngineFeed"/>, <see cref="SimulatorFeed"/>; rows of sql/0016).</summary>
    public async Task<long> FeedIdAsync(string name, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<long>(new CommandDefinition("select id from api_client where name = @name", new { name }, cancellationToken: ct));
    }

    /// <summary>Targets of active orders still unacknowledged past the order's ack due time, per district (the unacknowledged-orders indicator's districts).</summary>
    public async Task<IReadOnlyList<(string District, int Count)>> OverdueUnacknowledgedByDistrictAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            select t.district_adcode, count(*)::int from order_target t join dispatch_order o on o.id = t.order_id
            where t.state in ('sent', 'delivered') and o.status = 'active' and o.ack_due_at <= @now
            group by 1
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string, int)>(new CommandDefinition(sql, new { now }, cancellationToken: ct))).ToList();
    }

    /// <summary>Incidents reported in (<paramref name="from"/>, <paramref name="to"/>] per district (a BRIN range).</summary>
    public async Task<IReadOnlyList<(string District, int Count)>> ReportedByDistrictAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        const string sql = "select district_adcode, count(*)::int from incident where reported_at > @from and reported_at <= @to group by 1";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string, int)>(new CommandDefinition(sql, new { from, to }, cancellationToken: ct))).ToList();
    }

    // ---- writes (the alert engine and acknowledgment), in the caller's transaction ----

    public async Task InsertReadingsAsync(long feedId, IReadOnlyList<Reading> rows, DateTimeOffset receivedAt, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reading (indicator_code, district_adcode, at, value, received_at, feed_id)
            select c, d, a, v, @receivedAt, @feedId from unnest(@codes::text[], @districts::char(6)[], @ats::timestamptz[], @values::float8[]) as u(c, d, a, v)
            """, new
        {
            feedId, receivedAt, codes = rows.Select(r => r.IndicatorCode).ToArray(), districts = rows.Select(r => r.DistrictAdcode).ToArray(),
            ats = rows.Select(r => r.At).ToArray(), values = rows.Select(r => r.Value).ToArray(),
        }, tx, cancellationToken: ct));
    }

    public async Task<Alert?> LockAlertAsync(long alertId, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        (await conn.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition($"select {AlertColumns} from alert a where a.id = @alertId for update",
            new { alertId }, tx, cancellationToken: ct)))?.ToAlert();

    public Task<long> InsertAlertAsync(SeriesKey key, AlertLevel level, double value, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into alert (indicator_code, district_adcode, level, peak_level, value, raised_at, level_changed_at)
            values (@indicator, @district, @level, @level, @value, @at, @at) returning id
            """, new { indicator = key.IndicatorCode, district = key.DistrictAdcode, level = IncidentCodes.Code(level), value, at }, tx, cancellationToken: ct));

    /// <summary>A new level for an open alert. Escalating asks for a new acknowledgment: the higher level needs a person's eyes again.</summary>
    public Task SetLevelAsync(long alertId, AlertLevel level, double value, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            update alert set
                acknowledged_by = case when @rank > array_position(array['blue', 'yellow', 'orange', 'red'], level) then null else acknowledged_by end,
                acknowledged_at = case when @rank > array_position(array['blue', 'yellow', 'orange', 'red'], level) then null else acknowledged_at end,
                ack_comment = case when @rank > array_position(array['blue', 'yellow', 'orange', 'red'], level) then null else ack_comment end,
                peak_level = case when @rank > array_position(array['blue', 'yellow', 'orange', 'red'], peak_level) then @level else peak_level end,
                level = @level, value = @value, level_changed_at = @at
            where id = @alertId
            """, new { alertId, level = IncidentCodes.Code(level), rank = (int)level, value, at }, tx, cancellationToken: ct));

    public Task ClearAsync(long alertId, double value, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("update alert set cleared_at = @at, level_changed_at = @at, value = @value where id = @alertId",
            new { alertId, value, at }, tx, cancellationToken: ct));

    public Task AcknowledgeAsync(long alertId, string actor, string? comment, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("update alert set acknowledged_by = @actor, acknowledged_at = @at, ack_comment = @comment where id = @alertId",
            new { alertId, actor, comment, at }, tx, cancellationToken: ct));

    public Task AppendEventAsync(long alertId, AlertEventKind kind, AlertLevel from, AlertLevel to, double? value, DateTimeOffset at, string actor, string? comment,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            insert into alert_event (alert_id, kind, from_level, to_level, value, at, actor, comment)
            values (@alertId, @kind, @from, @to, @value, @at, @actor, @comment)
            """, new { alertId, kind = IncidentCodes.Code(kind), from = IncidentCodes.Code(from), to = IncidentCodes.Code(to), value, at, actor, comment },
            tx, cancellationToken: ct));

    /// <summary>About 120 points over the range, in whole minutes from a short list of steps.</summary>
    private static TimeSpan BucketFor(TimeSpan range)
    {
        int[] minutes = [1, 5, 10, 15, 30, 60, 180, 360, 720, 1440];
        var wanted = range.TotalMinutes / 120;
        return TimeSpan.FromMinutes(minutes.FirstOrDefault(m => m >= wanted, 1440));
    }

    private sealed class AlertRow
    {
        public long Id { get; init; }
        public string IndicatorCode { get; init; } = "";
        public string? DistrictAdcode { get; init; }
        public string Level { get; init; } = "";
        public string PeakLevel { get; init; } = "";
        public double Value { get; init; }
        public DateTime RaisedAt { get; init; }
        public DateTime LevelChangedAt { get; init; }
        public DateTime? ClearedAt { get; init; }
        public string? AcknowledgedBy { get; init; }
        public DateTime? AcknowledgedAt { get; init; }
        public string? AckComment { get; init; }

        public Alert ToAlert() => new(Id, IndicatorCode, DistrictAdcode, IncidentCodes.Parse<AlertLevel>(Level), IncidentCodes.Parse<AlertLevel>(PeakLevel), Value,
            Utc(RaisedAt), Utc(LevelChangedAt), Utc(ClearedAt), AcknowledgedBy, Utc(AcknowledgedAt), AckComment);
    }
}
