using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using Dapper;
using Npgsql;
using static CommandCenter.Core.Data.DbTime;

namespace CommandCenter.Core.Features.Situation;

/// <summary>The queries the live state loads from: unfinished incidents (partial index), bounce chains, suggestion history.</summary>
public sealed class SituationStore(NpgsqlDataSource dataSource)
{
    private const string OpenSelect = """
        select i.id, i.service_code, i.district_adcode, i.street_code, i.lon, i.lat, i.status, i.bounces, i.reported_at, i.due_at,
               a.department_code as lead, coalesce(a.status = 'accepted', false) as accepted
        from incident i
        left join assignment a on a.incident_id = i.id and a.role = 'lead' and a.status in ('pending', 'accepted')
        """;

    /// <summary>Every unfinished incident (open, assigned, accepted).</summary>
    public async Task<IReadOnlyList<OpenIncident>> LoadOpenAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<OpenRow>(new CommandDefinition(
            OpenSelect + " where i.status in ('open', 'assigned', 'accepted')", commandTimeout: 0, cancellationToken: ct));
        return rows.Select(r => r.ToOpen()).ToList();
    }

    /// <summary>The current state of some incidents: unfinished ones as <see cref="OpenIncident"/>, the rest as finished ids.</summary>
    public async Task<(IReadOnlyList<OpenIncident> Open, IReadOnlyList<long> Finished, IReadOnlyList<(long Id, DateTimeOffset ReportedAt)> Reported)> LoadAsync(
        IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<OpenRow>(new CommandDefinition(OpenSelect + " where i.id = any(@ids)", new { ids = ids.ToArray() }, cancellationToken: ct))).ToList();
        var open = rows.Where(r => r.Status is "open" or "assigned" or "accepted").Select(r => r.ToOpen()).ToList();
        var finished = rows.Where(r => r.Status is not ("open" or "assigned" or "accepted")).Select(r => r.Id).ToList();
        return (open, finished, rows.Select(r => (r.Id, Utc(r.ReportedAt))).ToList());
    }

    /// <summary>Ids of the incidents reported since <paramref name="from"/> (today's count; a BRIN range, loaded once a day).</summary>
    public async Task<IReadOnlyList<long>> ReportedSinceAsync(DateTimeOffset from, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<long>(new CommandDefinition("select id from incident where reported_at >= @from",
            new { from = from.UtcDateTime }, commandTimeout: 0, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyDictionary<long, string>> DescriptionsAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Id, string Description)>(new CommandDefinition(
            "select id, description from incident where id = any(@ids)", new { ids = ids.ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => r.Description);
    }

    /// <summary>Who returned each incident, when and why, oldest first.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<Bounce>>> BounceChainsAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        const string sql = """
            select incident_id, department_code, at, coalesce(detail ->> 'reason', '') as reason
            from incident_timeline
            where incident_id = any(@ids) and action = 'returned'
            order by incident_id, id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Incident, string Department, DateTime At, string Reason)>(
            new CommandDefinition(sql, new { ids = ids.ToArray() }, cancellationToken: ct));
        return rows.GroupBy(r => r.Incident)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Bounce>)g.Select(r => new Bounce(r.Department, Utc(r.At), r.Reason)).ToList());
    }

    /// <summary>Incidents resolved per department for each (district, category) since <paramref name="fromDay"/>, from rollup_resolved.</summary>
    public async Task<IReadOnlyDictionary<(string District, string ServiceCode), IReadOnlyList<(string Department, int Resolved)>>> ResolvedByAsync(
        IReadOnlyCollection<(string District, string ServiceCode)> keys, DateOnly fromDay, CancellationToken ct)
    {
        const string sql = """
            select r.district_adcode, r.service_code, r.department_code, sum(r.resolved)::int as resolved
            from rollup_resolved r
            join unnest(@districts::text[], @codes::text[]) k(district, code) on r.district_adcode = k.district and r.service_code = k.code
            where r.report_day >= @fromDay
            group by 1, 2, 3
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string District, string Code, string Department, int Resolved)>(new CommandDefinition(sql,
            new { districts = keys.Select(k => k.District).ToArray(), codes = keys.Select(k => k.ServiceCode).ToArray(), fromDay }, cancellationToken: ct));
        return rows.GroupBy(r => (r.District, r.Code))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(string, int)>)g.Select(r => (r.Department, r.Resolved)).ToList());
    }

    /// <summary>A page of incidents matching <paramref name="filter"/>, with the total; finished ones need a reported-at window (or given ids).</summary>
    public async Task<IncidentPage> SearchAsync(IncidentFilter filter, DateTimeOffset now, int offset, int limit, CancellationToken ct)
    {
        if (!filter.UnfinishedOnly && filter.Ids is null && (filter.ReportedFrom is null || filter.ReportedTo is null))
            throw new ArgumentException("Finished incidents are searched within a reported-at window.", nameof(filter));
        // Allow-listed sort columns only.
        var order = filter.Sort switch
        {
            IncidentSort.DueAt => "i.due_at",
            IncidentSort.Bounces => "i.bounces",
            _ => "i.reported_at",
        } + (filter.Descending ? " desc" : "") + ", i.id";
        var sql = $"""
            select i.id, i.service_code, i.description, i.district_adcode, i.street_code, i.status, a.department_code as lead,
                   i.bounces, i.reported_at, i.due_at, count(*) over () as total
            from incident i
            left join assignment a on a.incident_id = i.id and a.role = 'lead' and a.status in ('pending', 'accepted')
            where (@ids::bigint[] is null or i.id = any(@ids))
              and (not @unfinished or i.status in ('open', 'assigned', 'accepted'))
              and (@from::timestamptz is null or i.reported_at >= @from)
              and (@to::timestamptz is null or i.reported_at < @to)
              and (@district::text is null or i.district_adcode = @district)
              and (@street::text is null or i.street_code = @street)
              and (@code::text is null or i.service_code = @code)
              and (@lead::text is null or coalesce(a.department_code, '') = @lead)
              and (not @overdue or (i.due_at < @now and i.status in ('open', 'assigned', 'accepted')))
              and (not @disputed or i.bounces >= 2)
            order by {order}
            offset @offset limit @limit
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<(long Id, string ServiceCode, string Description, string District, string Street, string Status, string? Lead,
            int Bounces, DateTime ReportedAt, DateTime DueAt, long Total)>(new CommandDefinition(sql, new
        {
            ids = filter.Ids?.ToArray(), unfinished = filter.UnfinishedOnly, from = filter.ReportedFrom?.UtcDateTime, to = filter.ReportedTo?.UtcDateTime,
            district = filter.DistrictAdcode, street = filter.StreetCode, code = filter.ServiceCode, lead = filter.LeadDepartment,
            overdue = filter.OverdueOnly, disputed = filter.DisputedOnly, now = now.UtcDateTime, offset = Math.Max(0, offset), limit = Math.Clamp(limit, 1, 500),
        }, cancellationToken: ct))).ToList();
        return new IncidentPage(
            rows.Select(r => new IncidentListItem(r.Id, r.ServiceCode, r.Description, r.District, r.Street, IncidentCodes.Parse<IncidentStatus>(r.Status),
                r.Lead, r.Bounces, Utc(r.ReportedAt), Utc(r.DueAt))).ToList(),
            rows.Count > 0 ? (int)rows[0].Total : 0);
    }

    public async Task<IReadOnlyList<AssignmentView>> AssignmentsAsync(long incidentId, CancellationToken ct)
    {
        const string sql = """
            select id, department_code, role, status, assigned_at, accepted_at, returned_at, return_reason, resolved_at, resolution_note
            from assignment where incident_id = @incidentId order by id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Id, string Department, string Role, string Status, DateTime AssignedAt, DateTime? AcceptedAt,
            DateTime? ReturnedAt, string? ReturnReason, DateTime? ResolvedAt, string? ResolutionNote)>(new CommandDefinition(sql, new { incidentId }, cancellationToken: ct));
        return rows.Select(r => new AssignmentView(r.Id, r.Department, IncidentCodes.Parse<AssignmentRole>(r.Role), IncidentCodes.Parse<AssignmentStatus>(r.Status),
            Utc(r.AssignedAt), Utc(r.AcceptedAt), Utc(r.ReturnedAt), r.ReturnReason, Utc(r.ResolvedAt), r.ResolutionNote)).ToList();
    }

    private sealed record OpenRow(long Id, string ServiceCode, string DistrictAdcode, string StreetCode, double Lon, double Lat, string Status,
        int Bounces, DateTime ReportedAt, DateTime DueAt, string? Lead, bool Accepted)
    {
        public OpenIncident ToOpen() => new(Id, ServiceCode, DistrictAdcode, StreetCode, new GeoPoint(Lon, Lat), IncidentCodes.Parse<IncidentStatus>(Status),
            Lead, Accepted, Bounces, Utc(ReportedAt), Utc(DueAt));
    }
}
