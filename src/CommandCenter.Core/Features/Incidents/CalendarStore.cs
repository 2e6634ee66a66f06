using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>Dapper access to <c>calendar_day</c>, the working calendar's exception rows.</summary>
public sealed class CalendarStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<CalendarDay>> ListAsync(CancellationToken ct = default)
    {
        const string sql = "select day, kind, name_zh, name_en from calendar_day order by day";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<CalendarDayRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new CalendarDay(r.Day, CalendarDayKinds.Parse(r.Kind), r.NameZh, r.NameEn)).ToList();
    }

    /// <summary>Adds the day, or replaces its kind and names when it already has a row.</summary>
    public async Task UpsertAsync(CalendarDay day, CancellationToken ct = default)
    {
        const string sql = """
            insert into calendar_day (day, kind, name_zh, name_en)
            values (@Day, @Kind, @NameZh, @NameEn)
            on conflict (day) do update set kind = excluded.kind, name_zh = excluded.name_zh, name_en = excluded.name_en
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql,
            new { day.Day, Kind = CalendarDayKinds.ToCode(day.Kind), day.NameZh, day.NameEn }, cancellationToken: ct));
    }

    /// <returns>Whether the day had a row.</returns>
    public async Task<bool> DeleteAsync(DateOnly day, CancellationToken ct = default)
    {
        const string sql = "delete from calendar_day where day = @day";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { day }, cancellationToken: ct)) > 0;
    }

    private sealed class CalendarDayRow
    {
        public DateOnly Day { get; init; }
        public string Kind { get; init; } = "";
        public string NameZh { get; init; } = "";
        public string NameEn { get; init; } = "";
    }
}
