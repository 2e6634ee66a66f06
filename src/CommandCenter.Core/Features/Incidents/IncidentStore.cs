using System.Data;
using System.Text.Json;
using CommandCenter.Core.Features.Identity;
using static CommandCenter.Core.Data.DbTime;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>Dapper queries over incidents, assignments and the timeline. Caller contact leaves here masked only.</summary>
public sealed class IncidentStore(NpgsqlDataSource dataSource)
{
    private const string IncidentColumns = """
        id, source, service_code, description, address, lon, lat, district_adcode, street_code, street_source, status, sla_tier, bounces,
        reported_at, updated_at, due_at, responded_at, resolved_at, closed_at, solved, satisfaction, caller_name, caller_phone
        """;

    /// <summary>
    /// A new incident offered to its lead department: the incident, the lead assignment and the two timeline entries
    /// ("reported", "assigned") in one statement, one round trip. Returns the incident as stored, or null when
    /// (source, source_ref) exists already (a repeated submission).
    /// </summary>
    public async Task<Incident?> InsertReportedAsync(NewIncident input, LocationResult.Located where, SlaTier tier, DateTimeOffset reportedAt,
        DateTimeOffset dueAt, string leadDepartment, Actor actor, DateTimeOffset now, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = $"""
            with i as (
                insert into incident (source, source_ref, service_code, description, address, lon, lat, district_adcode, street_code, street_source,
                                      status, sla_tier, reported_at, updated_at, due_at, caller_name, caller_phone, attributes)
                values (@source, @SourceRef, @ServiceCode, @Description, @Address, @lon, @lat, @DistrictAdcode, @StreetCode, @streetSource,
                        'assigned', @tier, @reportedAt, @now, @dueAt, @CallerName, @CallerPhone, @attributes::jsonb)
                on conflict (source, source_ref) do nothing
                returning {IncidentColumns}
            ), a as (
                insert into assignment (incident_id, department_code, role, status, assigned_at, assigned_by)
                select id, @leadDepartment, 'lead', 'pending', @now, @actor from i
            ), t as (
                insert into incident_timeline (incident_id, at, actor, action, department_code, detail)
                select i.id, @now, @actor, e.action, e.department_code, e.detail::jsonb
                from i cross join (values (1, 'reported', null, @reported), (2, 'assigned', @leadDepartment, @assigned)) e(n, action, department_code, detail)
                order by e.n
            )
            select * from i
            """;
        var row = await conn.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(sql, new
        {
            source = IncidentCodes.Code(input.Source), input.SourceRef, input.ServiceCode, input.Description, input.Address,
            lon = where.Wgs84.Lon, lat = where.Wgs84.Lat, where.DistrictAdcode, where.StreetCode, streetSource = IncidentCodes.Code(where.Source),
            tier = IncidentCodes.SlaCode(tier), reportedAt, now, dueAt, input.CallerName, input.CallerPhone,
            attributes = input.Attributes is { Count: > 0 } a ? JsonSerializer.Serialize(a) : null,
            leadDepartment, actor = actor.Name,
            reported = JsonSerializer.Serialize(new { source = IncidentCodes.Code(input.Source) }), assigned = JsonSerializer.Serialize(new { role = "lead" }),
        }, tx, cancellationToken: ct));
        return row?.ToIncident();
    }

    public async Task<long?> FindBySourceRefAsync(IncidentSource source, string sourceRef, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "select id from incident where source = @source and source_ref = @sourceRef",
            new { source = IncidentCodes.Code(source), sourceRef }, cancellationToken: ct));
    }

    public async Task<Incident?> GetAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            $"select {IncidentColumns} from incident where id = @id", new { id }, cancellationToken: ct));
        return row?.ToIncident();
    }

    public async Task<bool> HasAssignmentAsync(long incidentId, string departmentCode, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from assignment where incident_id = @incidentId and department_code = @departmentCode)",
            new { incidentId, departmentCode }, cancellationToken: ct));
    }

    public async Task<long> AssignAsync(long incidentId, string departmentCode, AssignmentRole role, string by, DateTimeOffset at,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            insert into assignment (incident_id, department_code, role, status, assigned_at, assigned_by)
            values (@incidentId, @departmentCode, @role, 'pending', @at, @by)
            returning id
            """;
        var id = await conn.QuerySingleAsync<long>(new CommandDefinition(sql,
            new { incidentId, departmentCode, role = IncidentCodes.Code(role), at, by }, tx, cancellationToken: ct));
        if (role == AssignmentRole.Lead)
            await SetStatusAsync(incidentId, "assigned", at, conn, tx, ct);
        return id;
    }

    /// <summary>The assignment with the incident it belongs to, locked for update within the transaction.</summary>
    public async Task<(long IncidentId, string DepartmentCode, AssignmentRole Role, AssignmentStatus Status)?> LockAssignmentAsync(
        long assignmentId, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = "select incident_id, department_code, role, status from assignment where id = @assignmentId for update";
        var row = await conn.QuerySingleOrDefaultAsync<(long, string, string, string)?>(new CommandDefinition(sql, new { assignmentId }, tx, cancellationToken: ct));
        return row is { } r ? (r.Item1, r.Item2, IncidentCodes.Parse<AssignmentRole>(r.Item3), IncidentCodes.Parse<AssignmentStatus>(r.Item4)) : null;
    }

    public async Task AcceptAsync(long assignmentId, long incidentId, bool lead, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition(
            "update assignment set status = 'accepted', accepted_at = @at where id = @assignmentId", new { assignmentId, at }, tx, cancellationToken: ct));
        if (!lead) return;
        const string incident = """
            update incident set status = 'accepted', responded_at = coalesce(responded_at, @at), updated_at = @at
            where id = @incidentId and status in ('open', 'assigned')
            """;
        await conn.ExecuteAsync(new CommandDefinition(incident, new { incidentId, at }, tx, cancellationToken: ct));
    }

    /// <summary>A bounce: the assignment is handed back; a returned lead leaves the incident without an owner.</summary>
    public async Task ReturnAsync(long assignmentId, long incidentId, bool lead, string reason, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition(
            "update assignment set status = 'returned', returned_at = @at, return_reason = @reason where id = @assignmentId",
            new { assignmentId, at, reason }, tx, cancellationToken: ct));
        const string incident = """
            update incident set bounces = bounces + 1, updated_at = @at,
                status = case when @lead and status in ('assigned', 'accepted') then 'open' else status end
            where id = @incidentId
            """;
        await conn.ExecuteAsync(new CommandDefinition(incident, new { incidentId, at, lead }, tx, cancellationToken: ct));
    }

    public async Task ResolveAsync(long assignmentId, long incidentId, bool lead, string note, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition(
            "update assignment set status = 'resolved', resolved_at = @at, resolution_note = @note where id = @assignmentId",
            new { assignmentId, at, note }, tx, cancellationToken: ct));
        if (lead)
            await conn.ExecuteAsync(new CommandDefinition(
                "update incident set status = 'resolved', resolved_at = @at, updated_at = @at where id = @incidentId and status = 'accepted'",
                new { incidentId, at }, tx, cancellationToken: ct));
    }

    /// <summary>Withdraws the live lead (if any) before a reassignment.</summary>
    public async Task<string?> WithdrawLeadAsync(long incidentId, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            update assignment set status = 'withdrawn'
            where incident_id = @incidentId and role = 'lead' and status in ('pending', 'accepted')
            returning department_code
            """;
        return await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql, new { incidentId, at }, tx, cancellationToken: ct));
    }

    public async Task<bool> CloseAsync(long incidentId, bool solved, Satisfaction satisfaction, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            update incident set status = 'closed', closed_at = @at, updated_at = @at, solved = @solved, satisfaction = @satisfaction
            where id = @incidentId and status = 'resolved'
            """;
        return await conn.ExecuteAsync(new CommandDefinition(sql,
            new { incidentId, at, solved, satisfaction = IncidentCodes.Code(satisfaction) }, tx, cancellationToken: ct)) == 1;
    }

    public async Task AppendTimelineAsync(long incidentId, DateTimeOffset at, Actor actor, string action, string? departmentCode, object? detail,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        const string sql = """
            insert into incident_timeline (incident_id, at, actor, action, department_code, detail)
            values (@incidentId, @at, @actor, @action, @departmentCode, @detail::jsonb)
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            incidentId, at, actor = actor.Name, action, departmentCode, detail = detail is null ? null : JsonSerializer.Serialize(detail),
        }, tx, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(long incidentId, CancellationToken ct)
    {
        const string sql = """
            select id, incident_id, at, actor, action, department_code, detail::text as detail
            from incident_timeline where incident_id = @incidentId order by id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Id, long IncidentId, DateTime At, string Actor, string Action, string? DepartmentCode, string? Detail)>(
            new CommandDefinition(sql, new { incidentId }, cancellationToken: ct));
        return rows.Select(r => new TimelineEntry(r.Id, r.IncidentId, Utc(r.At), r.Actor, r.Action, r.DepartmentCode, r.Detail)).ToList();
    }

    /// <summary>Allow-listed sort columns (<see cref="InboxQuery.InboxSorts"/>); only these are interpolated into SQL.</summary>
    private static readonly Dictionary<string, string> InboxOrder = new()
    {
        [nameof(InboxItem.IncidentId)] = "i.id", [nameof(InboxItem.ReportedAt)] = "i.reported_at", [nameof(InboxItem.DueAt)] = "i.due_at",
        [nameof(InboxItem.Status)] = "a.status", [nameof(InboxItem.Role)] = "a.role", [nameof(InboxItem.Bounces)] = "i.bounces",
        [nameof(InboxItem.StreetCode)] = "i.street_code",
    };

    /// <summary>One page of a department's assignments, and the counts over all of them (overdue: open work due by <paramref name="now"/>).</summary>
    public async Task<InboxPage> InboxAsync(string departmentCode, InboxQuery query, DateTimeOffset now, CancellationToken ct)
    {
        const string counts = """
            select count(*) filter (where @includeFinished or a.status in ('pending', 'accepted')) as total,
                   count(*) filter (where a.status in ('pending', 'accepted')) as active,
                   count(*) filter (where a.status = 'pending') as pending,
                   count(*) filter (where a.status in ('pending', 'accepted') and i.due_at <= @now) as overdue
            from assignment a
            join incident i on i.id = a.incident_id
            where a.department_code = @departmentCode and (@includeFinished or a.status in ('pending', 'accepted'))
            """;
        var order = query.Sort is { } sort
            ? $"{InboxOrder[sort]} {(query.Descending ? "desc" : "asc")}, a.id"
            : "a.status in ('pending', 'accepted') desc, i.due_at, a.id";
        var page = $"""
            select a.id as assignment_id, a.role, a.status, a.assigned_at, a.accepted_at,
                   i.id as incident_id, i.service_code, i.description, i.address, i.district_adcode, i.street_code,
                   i.status as incident_status, i.reported_at, i.due_at, i.bounces
            from assignment a
            join incident i on i.id = a.incident_id
            where a.department_code = @departmentCode and (@includeFinished or a.status in ('pending', 'accepted'))
            order by {order}
            limit @limit offset @offset
            """;
        var args = new { departmentCode, includeFinished = query.IncludeFinished, now, limit = query.Limit, offset = query.Offset };
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var (total, active, pending, overdue) = await conn.QuerySingleAsync<(long, long, long, long)>(new CommandDefinition(counts, args, cancellationToken: ct));
        var rows = await conn.QueryAsync<InboxRow>(new CommandDefinition(page, args, cancellationToken: ct));
        var items = rows.Select(r => new InboxItem(r.AssignmentId, IncidentCodes.Parse<AssignmentRole>(r.Role), IncidentCodes.Parse<AssignmentStatus>(r.Status),
            Utc(r.AssignedAt), Utc(r.AcceptedAt), r.IncidentId, r.ServiceCode, r.Description, r.Address, r.DistrictAdcode, r.StreetCode,
            IncidentCodes.Parse<IncidentStatus>(r.IncidentStatus), Utc(r.ReportedAt), Utc(r.DueAt), r.Bounces)).ToList();
        return new InboxPage(items, (int)total, (int)active, (int)pending, (int)overdue);
    }

    private static Task SetStatusAsync(long incidentId, string status, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("update incident set status = @status, updated_at = @at where id = @incidentId",
            new { incidentId, status, at }, tx, cancellationToken: ct));

    private sealed class InboxRow
    {
        public long AssignmentId { get; init; }
        public string Role { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime AssignedAt { get; init; }
        public DateTime? AcceptedAt { get; init; }
        public long IncidentId { get; init; }
        public string ServiceCode { get; init; } = "";
        public string Description { get; init; } = "";
        public string? Address { get; init; }
        public string DistrictAdcode { get; init; } = "";
        public string StreetCode { get; init; } = "";
        public string IncidentStatus { get; init; } = "";
        public DateTime ReportedAt { get; init; }
        public DateTime DueAt { get; init; }
        public int Bounces { get; init; }
    }

    private sealed class IncidentRow
    {
        public long Id { get; init; }
        public string Source { get; init; } = "";
        public string ServiceCode { get; init; } = "";
        public string Description { get; init; } = "";
        public string? Address { get; init; }
        public double Lon { get; init; }
        public double Lat { get; init; }
        public string DistrictAdcode { get; init; } = "";
        public string StreetCode { get; init; } = "";
        public string StreetSource { get; init; } = "";
        public string Status { get; init; } = "";
        public string SlaTier { get; init; } = "";
        public int Bounces { get; init; }
        public DateTime ReportedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public DateTime DueAt { get; init; }
        public DateTime? RespondedAt { get; init; }
        public DateTime? ResolvedAt { get; init; }
        public DateTime? ClosedAt { get; init; }
        public bool? Solved { get; init; }
        public string? Satisfaction { get; init; }
        public string? CallerName { get; init; }
        public string? CallerPhone { get; init; }

        public Incident ToIncident() => new(Id, IncidentCodes.Parse<IncidentSource>(Source), ServiceCode, Description, Address, new GeoPoint(Lon, Lat),
            DistrictAdcode, StreetCode, IncidentCodes.Parse<StreetSource>(StreetSource), IncidentCodes.Parse<IncidentStatus>(Status),
            OrgCodes.ParseSlaTier(SlaTier), Bounces, Utc(ReportedAt), Utc(UpdatedAt), Utc(DueAt), Utc(RespondedAt), Utc(ResolvedAt),
            Utc(ClosedAt), Solved, Satisfaction is null ? null : IncidentCodes.Parse<Satisfaction>(Satisfaction),
            IncidentCodes.MaskName(CallerName), IncidentCodes.MaskPhone(CallerPhone));
    }
}
