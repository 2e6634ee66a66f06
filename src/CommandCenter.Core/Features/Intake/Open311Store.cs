using System.Text.Json;
using CommandCenter.Core.Data;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Intake;

/// <summary>SQL behind the Open311 API: service definitions, requests in the spec's shape, feed bookkeeping.</summary>
public sealed class Open311Store(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ServiceAttribute>> AttributesAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string ServiceCode, string Code, string Datatype, bool Required, string DescriptionZh, string DescriptionEn, int SortOrder, string? ValueList)>(
            new CommandDefinition("""
                select service_code, code, datatype, required, description_zh, description_en, sort_order, value_list::text
                from service_attribute order by service_code, sort_order, code
                """, cancellationToken: ct));
        return rows.Select(r => new ServiceAttribute(r.ServiceCode, r.Code, r.Datatype, r.Required, r.DescriptionZh, r.DescriptionEn, r.SortOrder,
            r.ValueList is null ? [] : JsonSerializer.Deserialize<List<ValueRow>>(r.ValueList)!.Select(v => new AttributeValue(v.key, v.name_zh, v.name_en)).ToList())).ToList();
    }

    /// <summary>
    /// Requests newest first. With <paramref name="ids"/> only those; otherwise reported in [from, to), optionally of some
    /// services and statuses ("open" or "closed"), at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<Open311Request>> RequestsAsync(long[]? ids, string[]? serviceCodes, DateTimeOffset from, DateTimeOffset to,
        bool? open, int limit, CancellationToken ct)
    {
        var sql = $"""
            select i.id, i.status, i.service_code, c.name_zh as service_name, i.description, i.address, i.lon, i.lat,
                   i.reported_at, i.updated_at, i.due_at, i.sla_tier, d.name_zh as agency, lead.resolution_note
            from incident i
            join category c on c.service_code = i.service_code
            left join lateral (select a.department_code, a.resolution_note from assignment a
                               where a.incident_id = i.id and a.role = 'lead' order by a.id desc limit 1) lead on true
            left join department d on d.code = lead.department_code
            where {(ids is null
                ? "i.reported_at >= @from and i.reported_at < @to and (@codes::text[] is null or i.service_code = any(@codes)) and (@open::boolean is null or (i.status in ('open', 'assigned', 'accepted')) = @open)"
                : "i.id = any(@ids)")}
            order by i.id desc
            limit @limit
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<RequestRow>(new CommandDefinition(sql, new { ids, codes = serviceCodes, from, to, open, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRequest()).ToList();
    }

    public async Task<long?> FindBySourceRefAsync(string sourceRef, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "select id from incident where source = 'open311' and source_ref = @sourceRef", new { sourceRef }, cancellationToken: ct));
    }

    private sealed record ValueRow(string key, string name_zh, string name_en);

    private sealed class RequestRow
    {
        public long Id { get; init; }
        public string Status { get; init; } = "";
        public string ServiceCode { get; init; } = "";
        public string ServiceName { get; init; } = "";
        public string Description { get; init; } = "";
        public string? Address { get; init; }
        public double Lon { get; init; }
        public double Lat { get; init; }
        public DateTime ReportedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public DateTime DueAt { get; init; }
        public string SlaTier { get; init; } = "";
        public string? Agency { get; init; }
        public string? ResolutionNote { get; init; }

        public Open311Request ToRequest() => new(Id, Status is "open" or "assigned" or "accepted" ? "open" : "closed",
            Status is "resolved" or "closed" ? ResolutionNote : null, ServiceName, ServiceCode, Description, Agency, Open311Service.Notice(SlaTier),
            DbTime.Utc(ReportedAt), DbTime.Utc(UpdatedAt), DbTime.Utc(DueAt), Address, Lat, Lon);
    }
}
